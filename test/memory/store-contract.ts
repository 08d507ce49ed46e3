/**
 * What every `MemoryStore` promises, as one suite: `memoryStoreContract('InMemoryStore', () => new
 * InMemoryStore())`. Each store's tests run it, then test what only that store does.
 */
import { type MemoryStore, TokenCounter, trimMessages } from '@agentloop/memory';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { describe, expect, it } from 'vitest';

/** Options of {@link memoryStoreContract}. */
export interface MemoryStoreContractOptions {
  /**
   * Another store over the same data as `store` (the same folder, the same server), as another
   * process would open it; for stores whose data outlives them.
   */
  reopen?: (store: MemoryStore) => MemoryStore | Promise<MemoryStore>;
}

const msg = (content: string): ChatCompletionMessageParam => ({ role: 'user', content });

async function failure(promise: Promise<unknown>): Promise<Error & { code?: unknown }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error & { code?: unknown };
}

/**
 * Runs the contract of `MemoryStore` against a store.
 *
 * @param name - The suite's name.
 * @param make - A new, empty store; called once per test (after any `beforeEach` of the caller).
 * @param options - `reopen`, for stores whose data outlives them.
 */
export function memoryStoreContract(
  name: string,
  make: () => MemoryStore | Promise<MemoryStore>,
  { reopen }: MemoryStoreContractOptions = {},
): void {
  describe(`${name} (MemoryStore contract)`, () => {
    it('loads [] for an unknown session, then what was appended, in order', async () => {
      const store = await make();
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
      const store = await make();
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
      const store = await make();
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => store.append('order', [msg(`m${i}`)])),
      );
      expect((await store.load('order')).map((m) => m.content)).toEqual(
        Array.from({ length: 30 }, (_, i) => `m${i}`),
      );
    });

    it('keeps tool calls, tool results and provider fields as they were', async () => {
      const store = await make();
      const turn: ChatCompletionMessageParam[] = [
        msg('Weather in Oslo?'),
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'weather', arguments: '{"city":"Oslo"}' },
            },
          ],
          reasoning_content: 'Look it up.',
        } as ChatCompletionMessageParam,
        { role: 'tool', tool_call_id: 'call_1', content: '{"tempC":4}' },
        { role: 'assistant', content: '4 °C in Oslo. ✓' },
      ];
      await store.append('s', turn.slice(0, 2));
      await store.append('s', turn.slice(2), { key: 'run_1:1' });
      expect(await store.load('s')).toEqual(turn);
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
      const store = await make();
      for (const action of [
        () => store.load(id),
        () => store.append(id, [msg('x')]),
        () => store.append(id, [msg('x')], { key: 'k' }),
        () => store.clear(id),
      ]) {
        const error = await failure(action());
        expect(error.code).toBe('invalid_session_id');
        expect(error.message).toMatch(reason);
      }
    });

    it('accepts ordinary ids', async () => {
      const store = await make();
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
      const store = await make();
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

    describe('appends with a key', () => {
      it('land once: a second append with the same key does nothing', async () => {
        const store = await make();
        await store.append('s', [msg('turn 1'), { role: 'assistant', content: 'a1' }], {
          key: 'run_1:1',
        });
        // A resumed run appends the same turn again (its messages may even differ).
        await store.append('s', [msg('turn 1'), { role: 'assistant', content: 'a1' }], {
          key: 'run_1:1',
        });
        await store.append('s', [msg('turn 1 again')], { key: 'run_1:1' });
        await store.append('s', [msg('turn 2')], { key: 'run_1:2' });
        expect((await store.load('s')).map((m) => m.content)).toEqual(['turn 1', 'a1', 'turn 2']);
      });

      it('are kept per session: the same key lands once in each', async () => {
        const store = await make();
        await store.append('a', [msg('to a')], { key: 'k' });
        await store.append('b', [msg('to b')], { key: 'k' });
        await store.append('a', [msg('to a, twice')], { key: 'k' });
        expect(await store.load('a')).toEqual([msg('to a')]);
        expect(await store.load('b')).toEqual([msg('to b')]);
      });

      it('mix with appends without a key, in call order; those always land', async () => {
        const store = await make();
        await Promise.all([
          store.append('s', [msg('1')]),
          store.append('s', [msg('2'), msg('3')], { key: 'k1' }),
          store.append('s', [msg('1')]),
          store.append('s', [msg('x')], { key: 'k1' }),
          store.append('s', [msg('4')], { key: 'k2' }),
        ]);
        expect((await store.load('s')).map((m) => m.content)).toEqual(['1', '2', '3', '1', '4']);
      });

      it('land exactly once when made concurrently with one key', async () => {
        const store = await make();
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.append('s', [msg(`copy ${i} a`), msg(`copy ${i} b`)], { key: 'run_1:1' }),
          ),
        );
        const loaded = await store.load('s');
        expect(loaded).toHaveLength(2);
        expect(loaded[1]?.content).toBe(`${String(loaded[0]?.content).slice(0, -2)} b`);
      });

      it('keep the key of an empty batch', async () => {
        const store = await make();
        await store.append('s', [], { key: 'run_1:1' });
        await store.append('s', [msg('late')], { key: 'run_1:1' });
        expect(await store.load('s')).toEqual([]);
      });

      it('forget their keys when the session is cleared', async () => {
        const store = await make();
        await store.append('s', [msg('before')], { key: 'k' });
        await store.clear('s');
        await store.append('s', [msg('after')], { key: 'k' });
        expect(await store.load('s')).toEqual([msg('after')]);
      });

      it.each([
        ['an empty key', { key: '' }],
        ['a number', { key: 3 }],
        ['a key of 513 characters', { key: 'k'.repeat(513) }],
        ['options that are not an object', 'run_1:1'],
      ])('refuse %s, clearly', async (_label, options) => {
        const store = await make();
        const error = await failure(store.append('s', [msg('x')], options as never));
        expect(error.code).toBe('invalid_config');
        expect(error.message).toMatch(/expected (a non-empty string|an object)/);
        expect(await store.load('s')).toEqual([]);
      });

      it.runIf(reopen !== undefined)(
        'hold across stores over the same data (another process)',
        async () => {
          const first = await make();
          await first.append('s', [msg('turn 1')], { key: 'run_1:1' });
          const second = await reopen?.(first);
          if (second === undefined) throw new Error('reopen');
          await second.append('s', [msg('turn 1, resumed')], { key: 'run_1:1' });
          await second.append('s', [msg('turn 2')], { key: 'run_1:2' });
          // The first store sees what the second appended since it last looked.
          await first.append('s', [msg('turn 2, twice')], { key: 'run_1:2' });
          expect((await first.load('s')).map((m) => m.content)).toEqual(['turn 1', 'turn 2']);
          // A clear by one is seen by the other.
          await second.clear('s');
          await second.append('s', [msg('fresh'), msg('start')]);
          await first.append('s', [msg('turn 1 of a new conversation')], { key: 'run_1:1' });
          expect((await second.load('s')).map((m) => m.content)).toEqual([
            'fresh',
            'start',
            'turn 1 of a new conversation',
          ]);
        },
      );
    });
  });
}
