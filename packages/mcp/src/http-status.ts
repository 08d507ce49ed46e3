/**
 * The HTTP status of a streamable-HTTP transport failure (the SDK's `StreamableHTTPError`), or
 * `undefined` for any other error. Recognised by shape, so that the transport's module is not
 * loaded just to compare classes (see `transports.ts`).
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (!(error instanceof Error) || !error.message.startsWith('Streamable HTTP error: ')) {
    return undefined;
  }
  const { code } = error as { code?: unknown };
  return typeof code === 'number' ? code : undefined;
}
