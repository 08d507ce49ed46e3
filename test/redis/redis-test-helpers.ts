/** Small helpers shared by the Redis tests. */
import { createServer } from 'node:net';

/** A port on 127.0.0.1 where nothing listens (it was free a moment ago). */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 1;
      server.close(() => resolve(port));
    });
  });
}

/** Retries `attempt` until it resolves or `withinMs` passes (then throws its last error). */
export async function eventually<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
