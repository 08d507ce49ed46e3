import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunStoreError } from '@agentloop/core';
import { FileRunStore } from '@agentloop/core/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunStateError } from '../../packages/core/src/errors/run-state-error.js';
import { claimRunFile, readClaim, takeOver } from '../../packages/core/src/node/run-claim-file.js';
import { parseRunSnapshot } from '../../packages/core/src/run/parse-run-snapshot.js';
import { sampleSnapshot } from './run-snapshot-sample.js';
import { runStoreContract } from './run-store-contract.js';

const CHILD = fileURLToPath(new URL('./file-run-store-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agentloop-runs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

runStoreContract('FileRunStore', () => new FileRunStore({ dir: join(dir, 'runs') }));

async function refusal(promise: Promise<unknown>): Promise<RunStateError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(RunStateError.isInstance(error), String(error)).toBe(true);
  return error as RunStateError;
}

/** A pid no process has: a child's, after it has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid as number;
}

function claimFile(runId: string, record: Record<string, unknown>): Promise<void> {
  return writeFile(
    join(dir, `${runId}.claim`),
    JSON.stringify({
      pid: process.pid,
      hostname: hostname(),
      instance: 'another-process',
      claimedAt: new Date().toISOString(),
      token: '4c1f2a0e-0000-4000-8000-000000000001',
      ...record,
    }),
  );
}

describe('FileRunStore checkpoints', () => {
  it('writes each run to <dir>/<runId>.json as the snapshot JSON', async () => {
    const store = new FileRunStore({ dir });
    const snapshot = sampleSnapshot('run_a');
    await store.save(snapshot);
    expect(store.fileOf('run_a')).toBe(join(dir, 'run_a.json'));
    expect(parseRunSnapshot(await readFile(join(dir, 'run_a.json'), 'utf8'))).toEqual(snapshot);
    // Nothing else is left behind: the temporary file was renamed over the checkpoint.
    expect(await readdir(dir)).toEqual(['run_a.json']);
  });

  it('is read by another store on the same folder (another process, after a restart)', async () => {
    await new FileRunStore({ dir }).save(sampleSnapshot('run_a'));
    expect(await new FileRunStore({ dir }).load('run_a')).toEqual(sampleSnapshot('run_a'));
  });

  it('lands saves made without waiting in the order they were made', async () => {
    const store = new FileRunStore({ dir });
    const saves = Array.from({ length: 20 }, (_, turn) => {
      const snapshot = sampleSnapshot('run_a');
      snapshot.turn = turn;
      return store.save(snapshot);
    });
    // A load waits for this store's saves of the run.
    expect((await store.load('run_a'))?.turn).toBe(19);
    await Promise.all(saves);
  });

  it('never reads a torn temporary file left by a crash, and delete removes it', async () => {
    const store = new FileRunStore({ dir });
    await store.save(sampleSnapshot('run_a'));
    const torn = join(dir, '.run_a~4242-5d1b.tmp');
    await writeFile(torn, '{"version":1,"runId":"run_a","agent":"refund-b');
    await writeFile(join(dir, '.run_a.b~4242-5d1c.tmp'), 'another run');
    expect(await store.load('run_a')).toEqual(sampleSnapshot('run_a'));
    await store.delete('run_a');
    expect((await readdir(dir)).sort()).toEqual(['.run_a.b~4242-5d1c.tmp']);
  });

  it('keeps the last checkpoint whole when the process is killed in the middle of saves', async () => {
    const child = startChild(['save', dir, 'run_k']);
    // Let it land a few saves, then kill it while it is writing the next.
    await child.waitFor(/^saved 3$/m);
    child.process.kill('SIGKILL');
    await child.exit;
    const acked = Math.max(...[...child.stdout().matchAll(/^saved (\d+)$/gm)].map((m) => +m[1]!));
    const loaded = await new FileRunStore({ dir }).load('run_k');
    // The last acknowledged save, or the one in flight if its rename happened: whole either way.
    expect([acked, acked + 1]).toContain(loaded?.turn);
    expect(loaded?.messages).toHaveLength(7 + (loaded?.turn ?? 0));
  });

  it('never lets a reader see a checkpoint half-written, however big', async () => {
    const writer = new FileRunStore({ dir });
    const reader = new FileRunStore({ dir });
    const snapshot = sampleSnapshot('run_big');
    snapshot.turn = 0;
    await writer.save(snapshot);
    let writing = true;
    const saves = (async () => {
      for (let n = 1; n <= 15; n++) {
        snapshot.turn = n;
        // Each save adds about 1 MB, written by Node in several pieces.
        snapshot.messages.push({ role: 'user', content: `m${n} `.repeat(250_000) });
        await writer.save(snapshot);
      }
      writing = false;
    })();
    const turns = new Set<number>();
    while (writing) {
      const loaded = await reader.load('run_big');
      turns.add(loaded?.turn ?? -1);
      expect(loaded?.messages).toHaveLength(7 + (loaded?.turn ?? 0));
    }
    await saves;
    expect(turns.size).toBeGreaterThan(1);
  });

  it('refuses a damaged checkpoint, naming the file and the field', async () => {
    const store = new FileRunStore({ dir });
    const text = JSON.stringify(sampleSnapshot('run_a'));
    await writeFile(join(dir, 'run_a.json'), text.slice(0, text.length / 2));
    const cut = await refusal(store.load('run_a'));
    expect(cut.code).toBe('invalid_run_state');
    expect(cut.runId).toBe('run_a');
    expect(cut.message).toContain(join(dir, 'run_a.json'));
    expect(cut.message).toMatch(/not valid JSON.*Delete the file to forget the run/);

    const edited = sampleSnapshot('run_a');
    (edited.messages[3] as { role: string }).role = 'robot';
    await writeFile(join(dir, 'run_a.json'), JSON.stringify(edited));
    const field = await refusal(store.load('run_a'));
    expect(field.code).toBe('invalid_run_state');
    expect(field.field).toBe('messages.3.role');
    expect(field.message).toContain(join(dir, 'run_a.json'));
    expect(field.message).toMatch(/"messages\.3\.role" is "robot"/);

    const newer = { ...sampleSnapshot('run_a'), version: 2 };
    await writeFile(join(dir, 'run_a.json'), JSON.stringify(newer));
    expect((await refusal(store.load('run_a'))).code).toBe('unsupported_run_state_version');
  });

  it('refuses a checkpoint file that holds another run', async () => {
    await writeFile(join(dir, 'run_b.json'), JSON.stringify(sampleSnapshot('run_a')));
    const error = await refusal(new FileRunStore({ dir }).load('run_b'));
    expect(error).toMatchObject({ code: 'invalid_run_state', field: 'runId', runId: 'run_b' });
    expect(error.message).toMatch(/holds run "run_a", not "run_b"/);
  });

  it.each([
    ['../escape', /path separator/],
    ['a/b', /path separator/],
    ['.hidden', /starts with '\.'/],
    ['a\0b', /NUL/],
    ['x'.repeat(129), /more than 128/],
    ['nul', /reserved by Windows/],
    ['run a', /character " "/],
    ['run~1', /character "~"/],
  ])('refuses the run id %j as a file name, clearly', async (runId, reason) => {
    const store = new FileRunStore({ dir });
    const snapshot = sampleSnapshot(runId);
    for (const action of [
      () => store.save(snapshot),
      () => store.load(runId),
      () => store.delete(runId),
      () => store.claim(runId),
    ]) {
      const error = await refusal(action());
      expect(error).toMatchObject({ code: 'invalid_run_state', field: 'runId' });
      expect(error.message).toMatch(reason);
      expect(error.message).toMatch(/becomes a file name/);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates its folder on first save, not before', async () => {
    const nested = join(dir, 'a', 'b');
    const store = new FileRunStore({ dir: nested });
    expect(await store.load('run_a')).toBeUndefined();
    await store.delete('run_a');
    await expect(stat(nested)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.save(sampleSnapshot('run_a'));
    expect(await store.load('run_a')).toBeDefined();
  });

  it('reports file system failures as RunStoreError, leaving no temporary file', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'not a folder');
    const store = new FileRunStore({ dir: join(blocker, 'sub') });
    const error = await store.save(sampleSnapshot('run_a')).catch((e: unknown) => e);
    expect(RunStoreError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'run_store_error', runId: 'run_a' });
    expect((error as Error).message).toMatch(/Could not save run "run_a".*left whole/);
    expect(await readdir(dir)).toEqual(['file']);
  });

  it('refuses a missing folder at construction', () => {
    expect(() => new FileRunStore({ dir: '' })).toThrow(/needs `dir`/);
  });
});

describe('FileRunStore claims', () => {
  it('holds the claim in <runId>.claim: pid, host and time; release removes it', async () => {
    const store = new FileRunStore({ dir });
    const claim = await store.claim('run_a');
    const record = JSON.parse(await readFile(join(dir, 'run_a.claim'), 'utf8'));
    expect(record).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(Date.parse(record.claimedAt)).not.toBeNaN();
    await claim.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives a run to exactly one of many stores claiming at once', async () => {
    const stores = Array.from({ length: 8 }, () => new FileRunStore({ dir }));
    const settled = await Promise.allSettled(stores.map((s) => s.claim('run_a')));
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    for (const s of settled) {
      if (s.status === 'rejected') expect(s.reason).toMatchObject({ code: 'run_in_progress' });
    }
  });

  it('takes over a claim whose holder process is dead', async () => {
    await claimFile('run_a', { pid: await deadPid() });
    const claim = await new FileRunStore({ dir }).claim('run_a');
    const record = JSON.parse(await readFile(join(dir, 'run_a.claim'), 'utf8'));
    expect(record.pid).toBe(process.pid);
    await claim.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('gives a dead holder’s run to exactly one of many stores taking it over at once', async () => {
    for (let round = 0; round < 5; round++) {
      await claimFile('run_a', { pid: await deadPid() });
      const stores = Array.from({ length: 8 }, () => new FileRunStore({ dir }));
      const settled = await Promise.allSettled(stores.map((s) => s.claim('run_a')));
      const won = settled.filter((s) => s.status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const s of settled) {
        if (s.status === 'rejected') expect(s.reason).toMatchObject({ code: 'run_in_progress' });
      }
      await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
      // No takeover marker is left behind.
      expect(await readdir(dir)).toEqual([]);
    }
  });

  it('lets a late taker-over of a dead claim leave the claim made since alone', async () => {
    await claimFile('run_a', { pid: await deadPid() });
    const file = join(dir, 'run_a.claim');
    // A slow process read the dead claim...
    const dead = await readClaim(file);
    if (dead === undefined) throw new Error('no claim');
    // ...meanwhile another took the run over and holds it...
    const holder = await claimRunFile(dir, 'run_a');
    const held = await readFile(file, 'utf8');
    // ...then the slow one goes on with its takeover of the claim it read.
    await takeOver(dir, 'run_a', file, dead, '{}');
    expect(await readFile(file, 'utf8')).toBe(held);
    // And while one takes over, another taking over the same dead claim backs off.
    await holder.release();
    await claimFile('run_a', { pid: await deadPid() });
    const again = await readClaim(file);
    if (again === undefined) throw new Error('no claim');
    await writeFile(
      join(dir, `.run_a~takeover-${again.identity}`),
      JSON.stringify({ pid: process.pid, hostname: hostname(), instance: 'x', token: 't' }),
    );
    const error = await refusal(new FileRunStore({ dir }).claim('run_a'));
    expect(error.message).toMatch(/taking the run over from a holder that died/);
    expect(await readFile(file, 'utf8')).toContain(again.identity);
  });

  it('takes over a claim this process’s pid holds from before a restart or a reboot', async () => {
    // Same pid, another process instance: a container restarted as pid 1 again, say.
    await claimFile('run_a', {});
    await (await new FileRunStore({ dir }).claim('run_a')).release();
    // Another boot of this host (Linux names each boot): pid 1 is alive, but not that pid 1.
    const bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '');
    if (bootId === '') return;
    await claimFile('run_a', { pid: 1, bootId: 'a-boot-before-this-one' });
    await (await new FileRunStore({ dir }).claim('run_a')).release();
    await claimFile('run_a', { pid: 1, bootId: bootId.trim() });
    expect((await refusal(new FileRunStore({ dir }).claim('run_a'))).code).toBe('run_in_progress');
  });

  it('refuses a live holder on another host, saying which file to delete if it is gone', async () => {
    await claimFile('run_a', { hostname: 'elsewhere', pid: 1 });
    const error = await refusal(new FileRunStore({ dir }).claim('run_a'));
    expect(error.code).toBe('run_in_progress');
    expect(error.message).toMatch(/process 1 on host "elsewhere"/);
    expect(error.message).toContain(`delete ${join(dir, 'run_a.claim')}`);
  });

  it('treats an unreadable claim as being written, then as dead once old', async () => {
    // A holder killed between creating the file and writing it leaves it empty.
    await writeFile(join(dir, 'run_a.claim'), '');
    const young = await refusal(new FileRunStore({ dir }).claim('run_a'));
    expect(young.message).toMatch(/still writing its claim/);
    const old = new Date(Date.now() - 60_000);
    await utimes(join(dir, 'run_a.claim'), old, old);
    await (await new FileRunStore({ dir }).claim('run_a')).release();
  });

  it('does not let an old claim’s second release free a later holder', async () => {
    await claimFile('run_a', { pid: await deadPid() });
    const store = new FileRunStore({ dir });
    const claim = await store.claim('run_a');
    await claim.release();
    const next = await store.claim('run_a');
    await claim.release();
    expect((await refusal(store.claim('run_a'))).code).toBe('run_in_progress');
    await next.release();
  });

  it('refuses while a live process holds the run, and takes it over once that process is killed', async () => {
    const holder = startChild(['claim', dir, 'run_a']);
    await holder.waitFor(/^ready$/m);
    holder.process.stdin.write('go\n');
    await holder.waitFor(/^claimed$/m);
    const store = new FileRunStore({ dir });
    const error = await refusal(store.claim('run_a'));
    expect(error.code).toBe('run_in_progress');
    expect(error.message).toContain(`process ${holder.process.pid} on host "${hostname()}"`);
    holder.process.kill('SIGKILL');
    await holder.exit;
    await (await store.claim('run_a')).release();
  });

  it('gives a run to exactly one of several processes claiming at once', async () => {
    const children = Array.from({ length: 3 }, () => startChild(['claim', dir, 'run_a']));
    await Promise.all(children.map((c) => c.waitFor(/^ready$/m)));
    for (const c of children) c.process.stdin.write('go\n');
    await Promise.all(children.map((c) => c.waitFor(/^(claimed|refused .*)$/m)));
    const outcomes = children.map((c) => /^(claimed|refused .*)$/m.exec(c.stdout())?.[1]);
    expect(outcomes.filter((o) => o === 'claimed')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused run_in_progress')).toHaveLength(2);
    for (const c of children) c.process.stdin.end();
    await Promise.all(children.map((c) => c.exit));
  });
});

interface Child {
  process: ChildProcessWithoutNullStreams;
  stdout: () => string;
  waitFor: (pattern: RegExp) => Promise<void>;
  exit: Promise<void>;
}

function startChild(args: string[]): Child {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', CHILD, ...args],
    { cwd: REPO_ROOT, env: { ...process.env, NODE_OPTIONS: '' } },
  );
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      for (const wake of waiters) wake();
      if (code === 0 || signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
  const waitFor = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(stdout)) {
          waiters.delete(check);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          waiters.delete(check);
          reject(new Error(`child ended before ${pattern}: ${stdout}${stderr}`));
        }
      };
      waiters.add(check);
      check();
    });
  return { process: child, stdout: () => stdout, waitFor, exit };
}
