import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStore } from '@agentloop/memory/node';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withFileLock } from '../../packages/memory/src/session-file-lock.js';
import { latch, settleEventLoop } from '../support/deferred.js';
import { batchOf, wholeBatches } from './file-store-batches.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITER = fileURLToPath(new URL('./file-store-writer.ts', import.meta.url));

// 40 messages of 16 KiB: a batch of 640 KiB, more than the 512 KiB that Node writes at once.
const PER_BATCH = 40;
const CHARS = 16 * 1024;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agentloop-filestore-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const strict = (): FileStore =>
  new FileStore({
    dir,
    onCorruptLine: (corrupt) => {
      throw new Error(`a reader saw a corrupt line: ${JSON.stringify(corrupt).slice(0, 300)}`);
    },
  });

/** Loads the session again and again until `done` settles; every load must hold whole batches. */
async function readWhileWriting(done: Promise<unknown>, sessionId: string): Promise<number> {
  const reader = strict();
  let finished = false;
  void done.finally(() => {
    finished = true;
  });
  let loads = 0;
  while (!finished) {
    wholeBatches(await reader.load(sessionId), PER_BATCH);
    loads++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return loads;
}

describe('FileStore, several instances on one folder', () => {
  it('keeps every batch of two instances appending big batches at once, whole and in order', async () => {
    const [a, b] = [strict(), strict()];
    const writes = Promise.all([
      ...[0, 1, 2].map((n) => a.append('shared', batchOf('a', n, PER_BATCH, CHARS))),
      ...[0, 1, 2].map((n) => b.append('shared', batchOf('b', n, PER_BATCH, CHARS))),
    ]);
    await Promise.all([writes, readWhileWriting(writes, 'shared')]);
    const found = wholeBatches(await strict().load('shared'), PER_BATCH);
    expect(found.toSorted()).toEqual(['a/0', 'a/1', 'a/2', 'b/0', 'b/1', 'b/2']);
    // Each instance's own batches keep the order it appended them in.
    expect(found.filter((key) => key.startsWith('a/'))).toEqual(['a/0', 'a/1', 'a/2']);
    expect(found.filter((key) => key.startsWith('b/'))).toEqual(['b/0', 'b/1', 'b/2']);
  });

  it('serialises a clear with the appends of another instance', async () => {
    const [a, b] = [strict(), strict()];
    await a.append('s', batchOf('a', 0, PER_BATCH, CHARS));
    const append = a.append('s', batchOf('a', 1, PER_BATCH, CHARS));
    const clear = b.clear('s');
    await Promise.all([append, clear]);
    // Whichever came first, what is left is whole batches.
    wholeBatches(await b.load('s'), PER_BATCH);
  });
});

describe('FileStore, several processes on one session', () => {
  it('keeps every acknowledged batch of three processes appending at once, whole and in order', async () => {
    const writers = ['p', 'q', 'r'].map((name) =>
      startWriter([dir, 'shared', name, '3', String(PER_BATCH), String(CHARS)]),
    );
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.child.stdin.write('go\n');
    const exits = Promise.all(writers.map((w) => w.exit));
    await Promise.all([exits, readWhileWriting(exits, 'shared')]);
    for (const w of writers) expect(w.acks(), w.stderr()).toEqual([0, 1, 2]);

    const found = wholeBatches(await strict().load('shared'), PER_BATCH);
    expect(found).toHaveLength(9);
    for (const name of ['p', 'q', 'r']) {
      expect(found.filter((key) => key.startsWith(`${name}/`))).toEqual([
        `${name}/0`,
        `${name}/1`,
        `${name}/2`,
      ]);
    }
  }, 60_000);
});

describe('FileStore, the lock of a session file', () => {
  const msg = (content: string) => ({ role: 'user' as const, content });

  it('waits while another process holds the lock, and writes after it', async () => {
    const store = strict();
    const file = store.fileOf('s');
    // Another process holds the lock (`<file>.lock`, a folder it keeps fresh).
    await mkdir(`${file}.lock`);
    let appended = false;
    // The writer backs off between tries with a timer: three of them mean it was refused the
    // lock three times and is still waiting, whatever the speed of the disk.
    const realSetTimeout = globalThis.setTimeout;
    const refused = latch(3);
    const backoff = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
      ...args: Parameters<typeof setTimeout>
    ) => {
      refused.arrive();
      return realSetTimeout(...args);
    }) as typeof setTimeout);
    const append = store.append('s', [msg('mine')]).then(() => {
      appended = true;
    });
    try {
      // A writer that ignored the lock would finish the append instead.
      await Promise.race([refused.reached, append]);
    } finally {
      backoff.mockRestore();
    }
    expect(appended).toBe(false);
    // The other process writes its line, then releases the lock.
    await writeFile(file, `${JSON.stringify(msg('theirs'))}\n`);
    await rm(`${file}.lock`, { recursive: true });
    await append;
    expect(await store.load('s')).toEqual([msg('theirs'), msg('mine')]);
    await expect(stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock left by a process killed while holding it', async () => {
    const store = strict();
    const file = store.fileOf('s');
    await mkdir(`${file}.lock`);
    // A killed holder no longer refreshes its lock: as it is 20 s later, the lock is stale.
    const past = new Date(Date.now() - 20_000);
    await utimes(`${file}.lock`, past, past);
    await store.append('s', [msg('after the crash')]);
    expect(await store.load('s')).toEqual([msg('after the crash')]);
    await expect(stat(`${file}.lock`)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives up on a lock another writer keeps fresh, saying which folder to delete', async () => {
    const file = join(dir, 's.jsonl');
    await mkdir(`${file}.lock`);
    let ran = false;
    // A fake clock for the wait (the tries themselves are real file-system calls): let the
    // event loop finish each try, then move the clock to the next retry, until it gives up.
    vi.useFakeTimers();
    let error: unknown;
    let waited = 0;
    try {
      const started = Date.now();
      let done = false;
      const pending = withFileLock(
        file,
        async () => {
          ran = true;
        },
        { waitMs: 100 },
      )
        .catch((e: unknown) => e)
        .finally(() => {
          done = true;
        });
      for (let i = 0; i < 10_000 && !done; i++) {
        await settleEventLoop(1);
        await vi.advanceTimersToNextTimerAsync();
      }
      error = await pending;
      waited = Date.now() - started;
    } finally {
      vi.useRealTimers();
    }
    expect(ran).toBe(false);
    // It kept trying for its 100 ms, and gave up at the first try after (a retry waits at most
    // 150 ms).
    expect(waited).toBeGreaterThanOrEqual(100);
    expect(waited).toBeLessThan(100 + 150);
    expect(error).toMatchObject({ code: 'ELOCKED' });
    expect((error as Error).message).toContain(`${file}.lock`);
    expect((error as Error).message).toMatch(/delete that folder/);
  });

  it('runs the operations of one process on one file one at a time, in order', async () => {
    const file = join(dir, 's.jsonl');
    const order: string[] = [];
    let running = 0;
    const step = (name: string) => async () => {
      running++;
      expect(running).toBe(1);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(name);
      running--;
      if (name === 'b') throw new Error('b failed');
    };
    const results = await Promise.allSettled(
      ['a', 'b', 'c'].map((name) => withFileLock(file, step(name))),
    );
    expect(order).toEqual(['a', 'b', 'c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('loads while another instance appends, never seeing part of a batch', async () => {
    const [writer, reader] = [strict(), strict()];
    // One batch of 10 MiB, written by Node in 512 KiB pieces.
    const batch = batchOf('w', 0, 20, 512 * 1024);
    const append = writer.append('s', batch);
    // Load as soon as the first piece of it has reached the file.
    while (((await stat(writer.fileOf('s')).catch(() => undefined))?.size ?? 0) === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    const seen = await reader.load('s');
    await append;
    expect(seen.length).toBe(20);
    expect(wholeBatches(seen, 20)).toEqual(['w/0']);
  });
});

interface Writer {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  exit: Promise<void>;
  acks: () => number[];
  stderr: () => string;
}

function startWriter(args: string[]): Writer {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', WRITER, ...args],
    { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let stdout = '';
  let stderr = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) onReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      onReady();
      if (code === 0) resolve();
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
  return {
    child,
    ready,
    exit,
    acks: () => [...stdout.matchAll(/^ack (\d+)$/gm)].map((m) => Number(m[1])),
    stderr: () => stderr,
  };
}
