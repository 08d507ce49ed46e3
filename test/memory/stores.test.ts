import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryStore } from '@agentloop/memory';
import { type CorruptLine, FileStore } from '@agentloop/memory/node';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryStoreContract } from './store-contract.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agentloop-memory-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const msg = (content: string): ChatCompletionMessageParam => ({ role: 'user', content });

memoryStoreContract('InMemoryStore', () => new InMemoryStore());
memoryStoreContract(
  'FileStore',
  () => new FileStore({ dir: join(dir, 'sessions'), onCorruptLine: () => {} }),
  { reopen: (store) => new FileStore({ dir: (store as FileStore).dir, onCorruptLine: () => {} }) },
);

describe('InMemoryStore', () => {
  it('is not changed by later edits of appended or loaded messages', async () => {
    const store = new InMemoryStore();
    const original = msg('hello');
    await store.append('s', [original]);
    (original as { content: string }).content = 'changed';
    const [loaded] = await store.load('s');
    expect(loaded).toEqual(msg('hello'));
    expect(Object.isFrozen(loaded)).toBe(true);
  });
});

describe('FileStore', () => {
  it('writes one JSON message per line to <dir>/<id>.jsonl', async () => {
    const store = new FileStore({ dir });
    await store.append('u1', [msg('a'), msg('b')]);
    expect(await readFile(join(dir, 'u1.jsonl'), 'utf8')).toBe(
      `${JSON.stringify(msg('a'))}\n${JSON.stringify(msg('b'))}\n`,
    );
    expect(store.fileOf('u1')).toBe(join(dir, 'u1.jsonl'));
  });

  it('skips and reports a torn last line, and starts the next append on a new line', async () => {
    const reports: CorruptLine[] = [];
    const store = new FileStore({ dir, onCorruptLine: (c) => reports.push(c) });
    await store.append('crash', [msg('kept 1'), msg('kept 2')]);
    // A crash in the middle of a write leaves half a line.
    await appendFile(join(dir, 'crash.jsonl'), '{"role":"user","content":"half wri');
    expect(await store.load('crash')).toEqual([msg('kept 1'), msg('kept 2')]);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ sessionId: 'crash', line: 3, last: true });
    expect(reports[0]?.reason).toMatch(/not valid JSON/);
    await store.append('crash', [msg('after the crash')]);
    expect(await store.load('crash')).toEqual([
      msg('kept 1'),
      msg('kept 2'),
      msg('after the crash'),
    ]);
    // The torn line is reported once per store, not on every load.
    expect(reports).toHaveLength(1);
  });

  it('skips lines that are not chat messages, and warns by default', async () => {
    await writeFile(
      join(dir, 's.jsonl'),
      `${JSON.stringify(msg('ok'))}\n[1,2]\n{"role":"robot"}\n`,
    );
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      expect(await new FileStore({ dir }).load('s')).toEqual([msg('ok')]);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual([
      'AGENTLOOP_CORRUPT_SESSION_LINE',
      'AGENTLOOP_CORRUPT_SESSION_LINE',
    ]);
  });

  it('creates its folder on first append, not before', async () => {
    const nested = join(dir, 'a', 'b');
    const store = new FileStore({ dir: nested });
    expect(await store.load('x')).toEqual([]);
    await store.append('x', [msg('hi')]);
    expect(await store.load('x')).toEqual([msg('hi')]);
  });

  it('reports file system failures as SessionStoreError', async () => {
    const blocker = join(dir, 'file');
    await writeFile(blocker, 'not a folder');
    const store = new FileStore({ dir: join(blocker, 'sub') });
    const error = await store.append('x', [msg('hi')]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'session_store_error', sessionId: 'x' });
  });

  it('writes a keyed batch as one line holding the key and its messages', async () => {
    const store = new FileStore({ dir });
    await store.append('u1', [msg('a')]);
    await store.append('u1', [msg('b'), msg('c')], { key: 'run_1:1' });
    await store.append('u1', [msg('again')], { key: 'run_1:1' });
    expect(await readFile(join(dir, 'u1.jsonl'), 'utf8')).toBe(
      `${JSON.stringify(msg('a'))}\n${JSON.stringify({ key: 'run_1:1', messages: [msg('b'), msg('c')] })}\n`,
    );
  });

  it('loses a keyed batch torn by a crash whole, and lands it when appended again', async () => {
    const reports: CorruptLine[] = [];
    const store = new FileStore({ dir, onCorruptLine: (c) => reports.push(c) });
    await store.append('crash', [msg('turn 1')], { key: 'run_1:1' });
    // The process died in the middle of writing turn 2: half its line reached the file.
    const line = JSON.stringify({ key: 'run_1:2', messages: [msg('turn 2'), msg('answer 2')] });
    await appendFile(join(dir, 'crash.jsonl'), line.slice(0, line.indexOf('answer')));
    expect(await store.load('crash')).toEqual([msg('turn 1')]);
    expect(reports).toMatchObject([{ line: 2, last: true }]);
    // The resumed run appends turn 2 again: its key was never written whole, so it lands.
    const resumed = new FileStore({ dir, onCorruptLine: () => {} });
    await resumed.append('crash', [msg('turn 2'), msg('answer 2')], { key: 'run_1:2' });
    await resumed.append('crash', [msg('turn 2'), msg('answer 2')], { key: 'run_1:2' });
    expect(await resumed.load('crash')).toEqual([msg('turn 1'), msg('turn 2'), msg('answer 2')]);
  });

  it('reads files written one message per line, and appends keyed batches after them', async () => {
    await writeFile(
      join(dir, 'old.jsonl'),
      `${JSON.stringify(msg('old 1'))}\n${JSON.stringify({ role: 'assistant', content: 'old 2' })}\n`,
    );
    const store = new FileStore({ dir });
    await store.append('old', [msg('new')], { key: 'run_1:1' });
    await store.append('old', [msg('new')], { key: 'run_1:1' });
    expect((await store.load('old')).map((m) => m.content)).toEqual(['old 1', 'old 2', 'new']);
  });

  it('refuses a keyed batch holding a message without a role whole, and lets its key land again', async () => {
    const reports: CorruptLine[] = [];
    await writeFile(
      join(dir, 'bad.jsonl'),
      `${JSON.stringify({ key: 'run_1:1', messages: [msg('fine'), { content: 'no role' }] })}\n`,
    );
    const store = new FileStore({ dir, onCorruptLine: (c) => reports.push(c) });
    expect(await store.load('bad')).toEqual([]);
    expect(reports[0]?.reason).toMatch(/message 1 of its keyed batch "run_1:1" has no valid role/);
    await store.append('bad', [msg('again')], { key: 'run_1:1' });
    expect(await store.load('bad')).toEqual([msg('again')]);
  });

  it('loads a batch whose key appears twice in the file once', async () => {
    const line = JSON.stringify({ key: 'k', messages: [msg('once')] });
    await writeFile(join(dir, 'dup.jsonl'), `${line}\n${line}\n`);
    expect(await new FileStore({ dir }).load('dup')).toEqual([msg('once')]);
  });

  it('reads only what was appended since it last looked for keys', async () => {
    const store = new FileStore({ dir });
    const other = new FileStore({ dir });
    for (let i = 0; i < 5; i++) await store.append('s', [msg(`m${i}`)], { key: `k${i}` });
    await other.append('s', [msg('from the other')], { key: 'k5' });
    // Damage a line this store has read already: it is not read again for keys...
    const file = join(dir, 's.jsonl');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"key":"k0"', '"key":"K0"'));
    await store.append('s', [msg('k0 again')], { key: 'k0' });
    await store.append('s', [msg('k5 again')], { key: 'k5' });
    // ...while a new store reads the file whole.
    await new FileStore({ dir }).append('s', [msg('k0 once more')], { key: 'k0' });
    expect((await store.load('s')).map((m) => m.content)).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'm4',
      'from the other',
      'k0 once more',
    ]);
  });
});
