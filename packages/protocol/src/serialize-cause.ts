/**
 * A JSON-safe summary of a cause chain, for logs and the wire: each `Error` as its `name`,
 * `message` and `code` (nothing else: a cause may hold a request with secrets), at most five
 * deep; another object as its JSON copy; a bigint or symbol as its string.
 *
 * @param cause - an error's `cause`, or anything thrown.
 * @param depth - how deep in the chain this is. @default 0
 * @returns a value `JSON.stringify` can write, `undefined` for no cause.
 */
export function serializeCause(cause: unknown, depth = 0): unknown {
  if (cause === undefined || depth > 4) return undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return {
      name: cause.name,
      message: cause.message,
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      ...(cause.cause !== undefined ? { cause: serializeCause(cause.cause, depth + 1) } : {}),
    };
  }
  if (typeof cause === 'object' && cause !== null) {
    try {
      return JSON.parse(JSON.stringify(cause)) as unknown;
    } catch {
      return String(cause);
    }
  }
  return typeof cause === 'bigint' || typeof cause === 'symbol' ? String(cause) : cause;
}
