import { parseArgs } from 'node:util';
import { DEFAULT_MODEL } from './select-model.js';

/** A string option of an example's command line. */
export interface CliOption {
  /** What the option's value is, as shown in the usage text, e.g. `<folder>`. */
  value: string;
  /** One line saying what it does. */
  description: string;
}

/** What {@link readCli} needs to know about an example's command line. */
export interface ReadCliOptions<TOptions extends string> {
  /** How to start the example, e.g. `npx -y pnpm@10 --filter @agentloop-examples/search-bot start`. */
  command: string;
  /** What the positional words are, e.g. `["question"]`; none for a program that takes none. */
  positionals?: string;
  /** What the example does, in a sentence or two. */
  summary: string;
  /** The string options it takes, by name (without `--`). */
  options?: Record<TOptions, CliOption>;
  /** Lines about the environment variables it reads besides the model's ({@link MODEL_ENVIRONMENT}). */
  environment?: readonly string[];
  /** The arguments. @default process.argv.slice(2) */
  args?: readonly string[];
}

/** The environment variables every example reads to choose its model (see `selectModel`). */
export const MODEL_ENVIRONMENT: readonly string[] = [
  'OPENAI_API_KEY       use a real model (without it or OPENAI_BASE_URL: offline, scripted)',
  'OPENAI_BASE_URL      any OpenAI-compatible server (Ollama, vLLM, LM Studio, ...)',
  `AGENTLOOP_MODEL      the model name (default ${DEFAULT_MODEL})`,
];

/** The command line, read. */
export interface Cli<TOptions extends string> {
  /** The options given. */
  values: Partial<Record<TOptions, string>>;
  /** The positional words, joined with spaces and trimmed (`''` when none). */
  text: string;
}

/** The usage text of an example, as `--help` prints it. */
export function usageText<TOptions extends string>({
  command,
  positionals,
  summary,
  options,
  environment = [],
}: ReadCliOptions<TOptions>): string {
  const entries = Object.entries(options ?? {}) as [string, CliOption][];
  const flags = entries.map(([name, o]) => `[--${name} ${o.value}]`).join(' ');
  const lines = [
    `Usage: ${[command, flags, positionals ? `[${positionals}]` : ''].filter(Boolean).join(' ')}`,
    '',
    summary,
    '',
    'Options:',
    ...entries.map(([name, o]) => `  --${name} ${o.value}`.padEnd(24) + o.description),
    `${'  -h, --help'.padEnd(24)}print this help and exit`,
  ];
  lines.push('', 'Environment:', ...[...MODEL_ENVIRONMENT, ...environment].map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Reads an example's command line. `--help` (or `-h`) prints the usage and exits 0; an unknown
 * option prints what was wrong and the usage on stderr and exits 2, never a stack trace. A word
 * that starts with `-` can still be passed as text after `--`.
 *
 * @returns the options and the positional text.
 */
export function readCli<TOptions extends string = never>(
  spec: ReadCliOptions<TOptions>,
): Cli<TOptions> {
  const { args = process.argv.slice(2), options } = spec;
  const parseOptions: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of Object.keys(options ?? {})) parseOptions[name] = { type: 'string' };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...args], options: parseOptions, allowPositionals: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${reason}\n\n${usageText(spec)}`);
    process.exit(2);
  }
  if (parsed.values.help === true) {
    process.stdout.write(usageText(spec));
    process.exit(0);
  }
  const { help: _help, ...values } = parsed.values;
  return {
    values: values as Partial<Record<TOptions, string>>,
    text: parsed.positionals.join(' ').trim(),
  };
}
