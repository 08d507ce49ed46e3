import { runNode, SOURCE_FLAGS } from '../../bench/child-process.js';

/** What a spawned example did. */
export interface ExampleRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * The environment with every model setting removed, so an example runs offline on its
 * scripted model whatever the developer's shell exports; then `extra` on top.
 *
 * @param extra - variables to set, e.g. `OPENAI_BASE_URL` for the local test server.
 * @returns the environment.
 */
export function offlineEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('OPENAI_') || key === 'AGENTLOOP_MODEL' || key === 'SEARXNG_URL') {
      delete env[key];
    }
  }
  // Colours from the parent would change the text compared.
  delete env.FORCE_COLOR;
  return { ...env, NO_COLOR: '1', ...extra };
}

/**
 * Runs an example's entry point the way its `start` script does
 * (`node --conditions=source --import tsx <file> ...args`), with stdin closed (so never
 * interactive) and an offline environment.
 *
 * @param file - the entry point, relative to the repository root.
 * @param args - command-line arguments.
 * @param env - the environment. @default offlineEnv()
 * @returns the exit code and the output.
 */
export async function spawnExample(
  file: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = offlineEnv(),
): Promise<ExampleRun> {
  const { wallMs, ...run } = await runNode([...SOURCE_FLAGS, file, ...args], {
    env,
    timeoutMs: 30_000,
  });
  return { ...run, ms: wallMs };
}

/**
 * The index of the first line matching a pattern, or -1.
 *
 * @param lines - the output's lines.
 * @param pattern - what to look for.
 * @returns the index.
 */
export const lineIndex = (lines: readonly string[], pattern: RegExp): number =>
  lines.findIndex((line) => pattern.test(line));
