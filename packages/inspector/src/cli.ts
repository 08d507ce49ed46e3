/**
 * The `agentloop-inspect` command line: `agentloop-inspect <file|dir> [--port N]`.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { InspectorError } from './errors.js';
import {
  DEFAULT_INSPECTOR_PORT,
  type Inspector,
  startInspector,
} from './server/start-inspector.js';

/** Where the command writes, and how it ends (injected by tests). */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The usage text. */
export const USAGE = `Usage: agentloop-inspect <file|dir> [--port N]

Serves a page on 127.0.0.1 showing the runs of a run log: a file written by
runLog({ file }) from @agentloop/inspector, or a folder written by runLog({ dir }).
The page updates as the log grows. Nothing is sent anywhere else.

Options:
  --port N    the port on 127.0.0.1 (default ${DEFAULT_INSPECTOR_PORT}; 0 picks a free one)
  -h, --help  this text
`;

/**
 * Runs the command.
 *
 * @param args - the arguments (without `node` and the script).
 * @param io - where to write. @default stdout and stderr
 * @returns the running inspector, or the exit code when it did not start (0 after `--help`,
 *   2 for bad arguments, 1 when the log or the port is at fault).
 */
export async function main(
  args: readonly string[],
  io: CliIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
): Promise<Inspector | number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.err(`agentloop-inspect: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    io.out(USAGE);
    return 0;
  }
  try {
    const inspector = await startInspector({ path: parsed.path, port: parsed.port });
    const { index } = inspector.source;
    const runs = index.runs().length;
    const problems = index.problemCount;
    io.out(`agentloop inspector: ${inspector.url}`);
    io.out(
      `  ${inspector.source.path}: ${runs} run${runs === 1 ? '' : 's'}, ${index.eventCount} events${problems > 0 ? `, ${problems} unreadable line${problems === 1 ? '' : 's'} (listed on the page)` : ''}; updates live. Ctrl-C stops.`,
    );
    return inspector;
  } catch (error) {
    if (InspectorError.isInstance(error)) {
      io.err(`agentloop-inspect: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function parse(args: readonly string[]): { path: string; port: number; help: boolean } {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return { path: '', port: 0, help: true };
  if (positionals.length !== 1) {
    throw new Error(
      positionals.length === 0
        ? 'expected the run log to show (a file or a folder), got nothing.'
        : `expected one run log (a file or a folder), got ${positionals.length}: ${positionals.join(' ')}.`,
    );
  }
  let port = DEFAULT_INSPECTOR_PORT;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65_535) {
      throw new Error(
        `--port expects a number from 0 to 65535, got ${JSON.stringify(values.port)}.`,
      );
    }
  }
  return { path: positionals[0] as string, port, help: false };
}
