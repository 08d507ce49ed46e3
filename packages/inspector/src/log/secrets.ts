/**
 * Keeping keys out of a run log. Core already keeps the API key out of its errors; a log also
 * holds what tools were given and returned, which can contain anything, so every string that
 * goes into a line is scrubbed of the known secrets and of strings shaped like API keys.
 *
 * @module
 */

/** What a scrubbed secret is replaced with. */
export const REDACTED = '[redacted]';

/** The environment variables whose values are always scrubbed, when set. */
export const SECRET_ENV_VARS = ['OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY'] as const;

/**
 * Strings shaped like credentials: OpenAI-style keys (`sk-...`, `sk-proj-...`) and the token of an
 * `Authorization: Bearer` header. Long enough that ordinary words never match.
 */
const KEY_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{20,}/g,
  /(\bBearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi,
];

/** Secrets shorter than this are not scrubbed: replacing every "abc" would ruin the log. */
const MIN_SECRET_LENGTH = 8;

/**
 * The secrets to scrub: those given, and the values of {@link SECRET_ENV_VARS} in the environment.
 *
 * @param given - extra secrets from the options.
 * @param env - the environment. @default process.env
 * @returns the distinct secrets long enough to scrub, longest first (so that one containing
 *   another is replaced whole).
 */
export function collectSecrets(
  given: readonly string[] = [],
  env: Record<string, string | undefined> = process.env,
): string[] {
  const found = new Set<string>();
  for (const secret of given) if (secret.length >= MIN_SECRET_LENGTH) found.add(secret);
  for (const name of SECRET_ENV_VARS) {
    const value = env[name];
    if (value !== undefined && value.length >= MIN_SECRET_LENGTH) found.add(value);
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every secret, and every string shaped like a key, replaced by `[redacted]`.
 *
 * @param text - the text to clean.
 * @param secrets - the exact strings to remove (see {@link collectSecrets}).
 * @returns the cleaned text (the same string when there was nothing to remove).
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const pattern of KEY_PATTERNS) {
    pattern.lastIndex = 0;
    if (pattern.test(out)) {
      pattern.lastIndex = 0;
      out = out.replace(pattern, (_match, prefix: unknown) =>
        typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED,
      );
    }
  }
  return out;
}
