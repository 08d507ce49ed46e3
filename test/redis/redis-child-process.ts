/**
 * Starts `redis-child.ts` (a second worker for the Redis tests) and talks to it a line at a time.
 *
 * @module
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./redis-child.ts', import.meta.url));

/** A running `redis-child.ts`. */
export interface RedisChild {
  readonly child: ChildProcessWithoutNullStreams;
  /** Its next line of output; rejects, with what it wrote to stderr, once it has ended. */
  next(): Promise<string>;
  /** Writes a line to its stdin. */
  send(line: string): void;
}

/**
 * @param args - the child's arguments (`<mode> <url> <prefix> <id> [leaseMs]`).
 * @param children - where the process is kept, for the test's cleanup to kill.
 * @returns the child.
 */
export function startRedisChild(
  args: string[],
  children: ChildProcessWithoutNullStreams[],
): RedisChild {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CHILD, ...args]);
  children.push(child);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let stderr = '';
  child.stderr.on('data', (data) => {
    stderr += String(data);
  });
  return {
    child,
    async next(): Promise<string> {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the child ended: ${stderr}`);
      return value;
    },
    send(line: string) {
      child.stdin.write(`${line}\n`);
    },
  };
}
