import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** Thrown when the client disconnects before its request body arrived: nobody is left to answer. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection before its request body arrived.');
    this.name = 'ClientGoneError';
  }
}

// After refusing a body as too large, this much more is read and dropped (so the client can read
// the 413 instead of a connection reset) before the connection is cut.
const DISCARD_LIMIT_BYTES = 1024 * 1024;

/**
 * Reads a request body and parses it as JSON, refusing one over `maxBytes` (413) and one that is
 * not UTF-8 JSON (400). The size is checked against `content-length` before reading and again
 * while reading, so a chunked body cannot slip past the limit.
 *
 * @param req - the request.
 * @param options - `maxBytes`, the largest accepted body.
 * @returns the parsed value (any JSON value; the caller checks its shape).
 * @throws HttpError 413 `body_too_large`, 400 `invalid_json`; ClientGoneError when the client left.
 */
export async function readJsonBody(
  req: IncomingMessage,
  { maxBytes }: { maxBytes: number },
): Promise<unknown> {
  const tooLarge = (size: string) =>
    new HttpError(
      413,
      'body_too_large',
      `The request body is ${size}, more than the limit of ${maxBytes} bytes. Send a shorter message; earlier turns are kept on the server when you send the sessionId.`,
      { connection: 'close' },
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(req);
    throw tooLarge(`${declared} bytes`);
  }
  const bytes = await collect(req, maxBytes, () => tooLarge(`over ${maxBytes} bytes`));
  if (bytes.length === 0) {
    throw new HttpError(
      400,
      'invalid_json',
      'The request body is empty. Send a JSON object such as {"message":"Hello"}.',
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid UTF-8 text.');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof SyntaxError ? ` (${error.message})` : '';
    throw new HttpError(
      400,
      'invalid_json',
      `The request body is not valid JSON${detail}. Send a JSON object such as {"message":"Hello"}.`,
    );
  }
}

function collect(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: () => HttpError,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        discard(req);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onClose = () => {
      cleanup();
      reject(new ClientGoneError());
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
  });
}

/** Reads and drops the rest of a refused body, up to a limit, then cuts the connection. */
function discard(req: IncomingMessage): void {
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DISCARD_LIMIT_BYTES) req.socket.destroy();
  });
  // A reset while discarding is expected; it must not become an unhandled 'error'.
  req.on('error', () => {});
  req.resume();
}
