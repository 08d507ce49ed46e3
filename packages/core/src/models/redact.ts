/**
 * Keeping secrets out of errors: every error a model throws is rebuilt from scrubbed strings, so
 * the API key cannot leak through a message, a stack, a cause chain, headers or JSON.
 *
 * @module
 */

const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of each secret in `text` with `[redacted]`.
 * @param text - the text to clean.
 * @param secrets - the strings that must not appear (empty strings are ignored).
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/** Like {@link scrub}, for a value that may be absent. */
export function scrubOptional(
  text: string | null | undefined,
  secrets: readonly string[],
): string | undefined {
  return typeof text === 'string' ? scrub(text, secrets) : undefined;
}

function className(error: Error): string {
  if (error.name !== 'Error') return error.name;
  const ctor = (error as { constructor?: { name?: unknown } }).constructor;
  return typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Error';
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * A copy of an error that keeps only what helps a reader: its class name, message, stack and
 * `code`, with secrets scrubbed, and the same for its `cause` chain (to a depth of 5). Headers,
 * request objects and response bodies are left behind.
 *
 * @param error - the original error (or any thrown value).
 * @param secrets - strings to scrub.
 * @returns a plain `Error`, or `undefined` for `undefined`/`null`.
 */
export function sanitizeError(
  error: unknown,
  secrets: readonly string[],
  depth = 0,
): Error | undefined {
  if (error === undefined || error === null || depth > 5) return undefined;
  if (!(error instanceof Error)) return new Error(scrub(describeValue(error), secrets));
  const cause = sanitizeError(error.cause, secrets, depth + 1);
  const copy = new Error(scrub(error.message, secrets), cause ? { cause } : undefined);
  copy.name = className(error);
  copy.stack =
    typeof error.stack === 'string' ? scrub(error.stack, secrets) : `${copy.name}: ${copy.message}`;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') {
    (copy as Error & { code?: string | number }).code =
      typeof code === 'string' ? scrub(code, secrets) : code;
  }
  return copy;
}

/**
 * A URL fit for an error message: user name and password removed, secrets scrubbed.
 * @param url - the URL (any string).
 * @param secrets - strings to scrub.
 */
export function safeUrl(url: string, secrets: readonly string[]): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return scrub(parsed.toString(), secrets);
  } catch {
    return scrub(url, secrets);
  }
}

/** What the `openai` client logs through (`ClientOptions['logger']`). */
export interface ClientLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

type Inspect = (value: unknown, options: { depth: number }) => string;

/**
 * The text of a logged value, as Node's `util.inspect` shows it (Maps, class instances and all),
 * reached through `process.getBuiltinModule` so that core imports no Node module; elsewhere JSON.
 */
function describe(value: unknown): string {
  const util = globalThis.process?.getBuiltinModule?.('node:util') as
    | { inspect: Inspect }
    | undefined;
  if (util) return util.inspect(value, { depth: 6 });
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function redactArgument(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return scrub(value, secrets);
  if (value instanceof Error) return sanitizeError(value, secrets);
  if (typeof value !== 'object' || value === null) return value;
  const text = describe(value);
  return secrets.some((secret) => secret.length > 0 && text.includes(secret))
    ? scrub(text, secrets)
    : value;
}

/**
 * A logger for the `openai` client that writes to `console` (looked up at each call) with the
 * secrets scrubbed from every argument. The client logs what it could not parse, such as a
 * server-sent event whose data is not JSON, and that text comes from the provider.
 *
 * @param secrets - strings that must not appear (the API key).
 */
export function redactingLogger(secrets: readonly string[]): ClientLogger {
  const write =
    (level: keyof ClientLogger) =>
    (...args: unknown[]) => {
      console[level](...args.map((arg) => redactArgument(arg, secrets)));
    };
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug') };
}
