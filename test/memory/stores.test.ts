import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InMemoryStore,
  InvalidSessionIdError,
  type MemoryStore,
  TokenCounter,
  trimMessages,
} from '@agentloop/memory';
import { type CorruptLine, FileStore } from '@agentloop/memory/node';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agentloop-memory-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const msg = (content: string): ChatCompletionMessageParam => ({ role: 'user', content });
const stores: Array<[string, () => MemoryStore]> = [
  ['InMemoryStore', () => new InMemoryStore()],
  ['FileStore', () => new FileStore({ dir: join(dir, 'sessions'), onCorruptLine: () => {} })],
];

describe.each(stores)('%s', (_name, make) => {
  it('loads [] for an unknown session, then what was appended, in order', async () => {
    const store = make();
    expect(await store.load('nobody')).toEqual([]);
    await store.append('u42', [msg('one'), msg('two')]);
    await store.append('u42', [{ role: 'assistant', content: 'three' }]);
    await store.append('other', [msg('elsewhere')]);
    expect(await store.load('u42')).toEqual([
      msg('one'),
      msg('two'),
      { role: 'assistant', content: 'three' },
    ]);
    await store.clear('u42');
    expect(await store.load('u42')).toEqual([]);
    expect(await store.load('other')).toEqual([msg('elsewhere')]);
  });

  it('keeps every message of concurrent appends to one session, each batch whole', async () => {
    const store = make();
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        store.append('busy', [msg(`batch ${i} a`), msg(`batch ${i} b`)]),
      ),
    );
    const loaded = await store.load('busy');
    expect(loaded).toHaveLength(100);
    for (let i = 0; i < 50; i++) {
      const at = loaded.findIndex((m) => m.content === `batch ${i} a`);
      expect(loaded[at + 1]).toEqual(msg(`batch ${i} b`));
    }
  });

  it('keeps appends made without waiting in the order they were made', async () => {
    const store = make();
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.append('order', [msg(`m${i}`)])));
    expect((await store.load('order')).map((m) => m.content)).toEqual(
      Array.from({ length: 30 }, (_, i) => `m${i}`),
    );
  });

  it.each([
    ['../x', /path separator/],
    ['a/b', /path separator/],
    ['..', /starts with '\.'/],
    ['/etc/passwd', /path separator/],
    ['C:\\Windows\\x', /path separator/],
    ['a\0b', /NUL/],
    ['', /empty/],
    ['x'.repeat(129), /more than 128/],
    ['con', /reserved by Windows/],
    ['bad id', /character " "/],
  ])('refuses the session id %j with a clear error', async (id, reason) => {
    const store = make();
    for (const action of [
      () => store.load(id),
      () => store.append(id, [msg('x')]),
      () => store.clear(id),
    ]) {
      const error = await action().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidSessionIdError);
      expect((error as InvalidSessionIdError).code).toBe('invalid_session_id');
      expect((error as Error).message).toMatch(reason);
    }
  });

  it('accepts ordinary ids', async () => {
    const store = make();
    for (const id of [
      'u42',
      'user@example.com',
      'a.b-c_d',
      '7f9c0d2e-1b2a-4c3d-9e8f-001122334455',
    ]) {
      await store.append(id, [msg(id)]);
      expect(await store.load(id)).toEqual([msg(id)]);
    }
  });

  it('keeps the full history: trimming never deletes from it', async () => {
    const store = make();
    const counter = new TokenCounter({ model: 'gpt-4o' });
    for (let i = 0; i < 20; i++)
      await store.append('s', [
        msg(`question ${i} `.repeat(20)),
        { role: 'assistant', content: `answer ${i}` },
      ]);
    const history = await store.load('s');
    const trimmed = trimMessages({ messages: history, counter, maxTokens: 300 });
    expect(trimmed.dropped.length).toBeGreaterThan(0);
    expect(await store.load('s')).toHaveLength(40);
  });
});

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
});
