/**
 * `runLog`: every event of every run as one JSON line (the wire form, a timestamp, the input and
 * each reply's text), keys scrubbed, large values cut, written off the run's path; a disk that
 * fails never reaches the run and is reported once.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, type AgentEvent, ConfigurationError } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { runLog } from '@agentloop/inspector';
import { tool } from '@agentloop/tools';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunIndex } from '../../packages/inspector/src/model/run-index.js';
import { FAKE_KEY, recordFailingRun } from './record-runs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentloop-runlog-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = (file: string): Array<Record<string, unknown>> =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

const echo = tool({
  name: 'echo',
  description: 'Echoes',
  parameters: z.object({ text: z.string() }),
  execute: ({ text }) => text,
});

function weatherAgent(replies: ConstructorParameters<typeof ScriptedModel>[0]) {
  return new Agent({ name: 'echo-bot', model: new ScriptedModel(replies), tools: [echo] });
}

describe('runLog', () => {
  it('writes one line per event, in the order emitted, with the wire fields, ts, input and reply text', async () => {
    const file = join(dir, 'nested', 'runs.jsonl');
    const log = runLog({ file });
    const agent = weatherAgent([
      { content: 'Echoing.', toolCalls: [{ name: 'echo', arguments: { text: 'hi' } }] },
      'Done: hi',
    ]);
    const seen: AgentEvent[] = [];
    agent.on('*', (event) => {
      seen.push(event);
    });
    agent.on('*', log);
    const result = await agent.run('Say hi');
    await log.flush();

    const written = lines(file);
    expect(written.map((line) => line.type)).toEqual(seen.map((event) => event.type));
    for (const line of written) {
      expect(line.runId).toBe(result.runId);
      expect(typeof line.ts).toBe('number');
    }
    const ts = written.map((line) => line.ts as number);
    expect([...ts].sort((a, b) => a - b)).toEqual(ts);
    const start = written.find((line) => line.type === 'run:start');
    expect(start).toMatchObject({ agent: 'echo-bot', input: 'Say hi' });
    const [firstReply, lastReply] = written.filter((line) => line.type === 'model:end');
    expect(firstReply).toMatchObject({
      text: 'Echoing.',
      toolCalls: 1,
      finishReason: 'tool_calls',
    });
    expect(lastReply).toMatchObject({ text: 'Done: hi', finishReason: 'stop' });
    expect(written.find((line) => line.type === 'tool:start')).toMatchObject({
      name: 'echo',
      args: { text: 'hi' },
    });
    expect(written.at(-1)).toMatchObject({ type: 'run:end', status: 'completed' });
    // The wire form: no request (instructions, conversation) and no raw result.
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('"request"');
    expect(text).not.toContain('"messages":[');
  });

  it('leaves out streamed deltas unless asked (each reply is in model:end)', async () => {
    const quiet = runLog({ file: join(dir, 'quiet.jsonl') });
    const chatty = runLog({ file: join(dir, 'chatty.jsonl'), deltas: true });
    const agent = weatherAgent([
      { toolCalls: [{ name: 'echo', arguments: { text: 'a long enough argument' } }] },
      'A streamed answer in several chunks.',
    ]);
    agent.on('*', quiet).on('*', chatty);
    for await (const _event of agent.stream('Go')) {
      // drain
    }
    await Promise.all([quiet.flush(), chatty.flush()]);
    const quietTypes = lines(join(dir, 'quiet.jsonl')).map((line) => line.type);
    const chattyTypes = lines(join(dir, 'chatty.jsonl')).map((line) => line.type);
    expect(quietTypes).not.toContain('text:delta');
    expect(quietTypes).not.toContain('tool:args');
    expect(chattyTypes).toContain('text:delta');
    expect(chattyTypes).toContain('tool:args');
    expect(chattyTypes.filter((type) => !/delta|args/.test(String(type)))).toEqual(quietTypes);
  });

  it('scrubs keys: the OPENAI_API_KEY value, given secrets, sk- keys and Bearer tokens', async () => {
    const previous = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = 'env-key-0123456789';
    try {
      const file = join(dir, 'runs.jsonl');
      const log = runLog({ file, secrets: ['hunter2-password'] });
      const agent = weatherAgent([
        {
          toolCalls: [
            {
              name: 'echo',
              arguments: {
                text: `env-key-0123456789 hunter2-password ${FAKE_KEY} Authorization: Bearer abcdefghijklmnop0123`,
              },
            },
          ],
        },
        `The key was ${FAKE_KEY}.`,
      ]);
      agent.on('*', log);
      await agent.run(`My key is ${FAKE_KEY}`);
      await log.flush();
      const text = readFileSync(file, 'utf8');
      for (const secret of [
        'env-key-0123456789',
        'hunter2-password',
        FAKE_KEY,
        'abcdefghijklmnop0123',
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(text).toContain('Bearer [redacted]');
      expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(6);
    } finally {
      if (previous === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previous;
    }
  });

  it('cuts large values with a marker and keeps every line within its bound', async () => {
    const file = join(dir, 'runs.jsonl');
    const log = runLog({ file, maxValueChars: 1000, maxLineChars: 4000 });
    const big = 'x'.repeat(50_000);
    const agent = weatherAgent([{ toolCalls: [{ name: 'echo', arguments: { text: big } }] }, 'ok']);
    agent.on('*', log);
    await agent.run('Echo a lot');
    await log.flush();
    const raw = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    for (const line of raw) expect(line.length).toBeLessThan(4000 + 500);
    const start = lines(file).find((line) => line.type === 'tool:start') as {
      args: { text: string };
    };
    expect(start.args.text).toMatch(/^x{1000}…\[cut: 50000 characters in all\]$/);
    const end = lines(file).find((line) => line.type === 'tool:end') as {
      outcome: { output: string };
    };
    expect(end.outcome.output).toContain('…[cut:');
  });

  it('writes nothing while the run goes on: the listener only queues, a flush writes', async () => {
    const file = join(dir, 'runs.jsonl');
    const log = runLog({ file });
    for (let turn = 0; turn < 1000; turn++) {
      log({ type: 'turn:start', runId: 'run_1', agent: 'a', path: ['a'], turn });
    }
    // Synchronous calls did no I/O: the file does not exist yet.
    expect(existsSync(file)).toBe(false);
    await log.flush();
    expect(lines(file)).toHaveLength(1000);
  });

  it('never breaks a run when the disk fails, and reports the failure once', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    const errors: Error[] = [];
    // The log's folder would have to be inside a file: every write fails.
    const log = runLog({ file: join(blocker, 'runs.jsonl'), onError: (e) => errors.push(e) });
    for (let i = 0; i < 3; i++) {
      const agent = weatherAgent([
        { toolCalls: [{ name: 'echo', arguments: { text: 'x' } }] },
        'fine',
      ]);
      agent.on('*', log);
      const result = await agent.run('go');
      expect(result.text).toBe('fine');
      await log.flush();
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/ENOTDIR|EEXIST|not a directory/i);
    expect(log.dropped).toBeGreaterThan(20);
  });

  it('drops lines past its queue bound, reports it once, and marks the gap in the log', async () => {
    const file = join(dir, 'runs.jsonl');
    const errors: Error[] = [];
    const log = runLog({ file, maxQueuedChars: 2000, onError: (e) => errors.push(e) });
    for (let turn = 0; turn < 100; turn++)
      log({ type: 'turn:start', runId: 'run_1', agent: 'a', path: ['a'], turn });
    await log.flush();
    log({ type: 'turn:start', runId: 'run_1', agent: 'a', path: ['a'], turn: 100 });
    await log.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/fell behind/);
    const written = lines(file);
    expect(written.length).toBeLessThan(100);
    const marker = written.find((line) => line.type === 'log:dropped');
    expect(marker?.lines).toBe(log.dropped);
    expect(written.at(-1)).toMatchObject({ type: 'turn:start', turn: 100 });
  });

  it('with dir, writes one file per UTC day', async () => {
    let now = Date.UTC(2026, 0, 31, 23, 59, 59, 500);
    const log = runLog({ dir, now: () => now });
    log({ type: 'turn:start', runId: 'run_1', agent: 'a', path: ['a'], turn: 1 });
    now += 1000;
    log({ type: 'turn:start', runId: 'run_1', agent: 'a', path: ['a'], turn: 2 });
    expect(log.file).toBe(join(dir, 'runs-2026-02-01.jsonl'));
    await log.flush();
    expect(readdirSync(dir).sort()).toEqual(['runs-2026-01-31.jsonl', 'runs-2026-02-01.jsonl']);
  });

  it('starts on a new line after a line torn by a crash, so only the torn line is lost', async () => {
    const file = join(dir, 'runs.jsonl');
    writeFileSync(file, '{"ts":1,"type":"turn:start","runId":"r0","turn":1}\n{"ts":2,"type":"tur');
    const log = runLog({ file });
    log({ type: 'turn:start', runId: 'run_1', agent: 'a', path: ['a'], turn: 1 });
    await log.flush();
    const index = new RunIndex();
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        index.addLine(line, 'runs.jsonl', i + 1);
      });
    expect(index.problemCount).toBe(1);
    expect(
      index
        .runs()
        .map((run) => run.runId)
        .sort(),
    ).toEqual(['r0', 'run_1']);
  });

  it('writes what is still queued when the process exits', () => {
    const file = join(dir, 'runs.jsonl');
    const script = `
      import { runLog } from '@agentloop/inspector';
      const log = runLog({ file: ${JSON.stringify(file)} });
      for (let turn = 1; turn <= 5; turn++) log({ type: 'turn:start', runId: 'run_1', agent: 'a', path: ['a'], turn });
      process.exit(0);
    `;
    execFileSync(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script],
      { stdio: 'pipe' },
    );
    expect(lines(file).map((line) => line.turn)).toEqual([1, 2, 3, 4, 5]);
  });

  it('records values an event may hold that JSON cannot: bigint, cycles, throwing getters', async () => {
    const file = join(dir, 'runs.jsonl');
    const log = runLog({ file });
    const args: Record<string, unknown> = { big: 12345678901234567890n };
    args.self = args;
    const throwing = {};
    Object.defineProperty(throwing, 'bad', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    log({
      type: 'tool:start',
      runId: 'run_1',
      agent: 'a',
      path: ['a'],
      turn: 1,
      toolCallId: 'c1',
      name: 'x',
      args,
    });
    log({
      type: 'tool:start',
      runId: 'run_1',
      agent: 'a',
      path: ['a'],
      turn: 1,
      toolCallId: 'c2',
      name: 'x',
      args: throwing,
    });
    await log.flush();
    const [first, second] = lines(file);
    expect(first?.args).toEqual({ big: '12345678901234567890', self: '[Circular]' });
    expect(second).toMatchObject({ toolCallId: 'c2', args: '[Unserializable: no]' });
  });

  it('records a failing run with its retry, every tool outcome and the error', async () => {
    const file = join(dir, 'runs.jsonl');
    const log = runLog({ file });
    await recordFailingRun(log);
    const written = lines(file);
    expect(written.filter((line) => line.type === 'model:retry')).toHaveLength(1);
    const outcomes = written
      .filter((line) => line.type === 'tool:end')
      .map((line) => {
        const { outcome, denied } = line as {
          outcome: { ok: boolean; error?: { code: string } };
          denied?: boolean;
        };
        return denied ? 'denied' : outcome.ok ? 'ok' : outcome.error?.code;
      })
      .sort();
    expect(outcomes).toEqual(['denied', 'ok', 'timeout', 'tool_error']);
    expect(written.at(-1)).toMatchObject({
      type: 'run:error',
      error: { code: 'model_error', name: 'ModelError' },
    });
    expect(readFileSync(file, 'utf8')).not.toContain(FAKE_KEY);
  });

  it.each([
    [{}, /exactly one of 'file'/],
    [{ file: 'a', dir: 'b' }, /got both/],
    [{ file: '' }, /non-empty path/],
    [{ file: 'a', maxValueChars: 0 }, /maxValueChars/],
    [{ file: 'a', secrets: 'x' }, /secrets/],
    [{ file: 'a', onError: 'x' }, /onError/],
  ])('refuses %j with a ConfigurationError that says what to pass', (options, message) => {
    expect(() => runLog(options as never)).toThrow(message);
    try {
      runLog(options as never);
    } catch (error) {
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect((error as ConfigurationError).code).toBe('invalid_config');
    }
  });
});
