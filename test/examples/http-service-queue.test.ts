/**
 * The HTTP service's queue mode end to end, as `start:queue` runs it: `queue-main.ts` (the API)
 * and one `queue-worker.ts` process on a real Redis, over real HTTP on loopback, offline on the
 * scripted model. A run is enqueued, its events are read as server-sent events (and read again
 * after an event with `Last-Event-ID`), its result is fetched, an approval pauses and continues a
 * refund, and bad requests get their statuses. Skips, saying why, without Redis.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, SOURCE_FLAGS } from '../../bench/child-process.js';
import { findRedis, uniquePrefix } from '../support/redis.js';
import { offlineEnv } from './spawn-example.js';

const redis = await findRedis();

interface SseEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

/** Reads a whole SSE response (it ends after the run's terminal event) into its events. */
async function readEvents(url: string, lastEventId?: string): Promise<SseEvent[]> {
  const response = await fetch(url, {
    headers: lastEventId ? { 'last-event-id': lastEventId } : {},
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const field = (name: string) =>
        block
          .split('\n')
          .find((line) => line.startsWith(`${name}:`))
          ?.slice(name.length + 1)
          .trim() ?? '';
      return { id: field('id'), type: field('event'), data: JSON.parse(field('data')) };
    });
}

/** A JSON answer of the API: a run's fields, or `{ error: { code, message } }`. */
interface Answer {
  runId: string;
  error: { code: string; message: string };
  [field: string]: unknown;
}

async function send(url: string, method: 'GET' | 'POST', body?: unknown) {
  const response = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : {
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        }),
  });
  return { status: response.status, json: (await response.json()) as Answer };
}

describe.skipIf(!redis.url)(`http-service queue mode (${redis.reason})`, () => {
  const prefix = uniquePrefix('http-queue');
  let main: ChildProcess;
  let output = '';
  let base = '';
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'http-queue-'));
    main = spawn(process.execPath, [...SOURCE_FLAGS, 'examples/http-service/src/queue-main.ts'], {
      cwd: REPO_ROOT,
      // Its own process group: the cleanup can stop the API and its worker together.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: offlineEnv({
        PORT: '0',
        WORKERS: '1',
        REDIS_URL: redis.url as string,
        REDIS_PREFIX: prefix,
        SESSIONS_DIR: join(dir, 'sessions'),
      }),
    });
    const ready = new Promise<void>((resolve, reject) => {
      const check = (chunk: string) => {
        output += chunk;
        const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (listening && /\[worker \d+\] .*taking runs/.test(output)) {
          base = listening[1] as string;
          resolve();
        }
      };
      main.stdout?.setEncoding('utf8').on('data', check);
      main.stderr?.setEncoding('utf8').on('data', check);
      main.once('exit', (code) => reject(new Error(`queue-main exited (${code}):\n${output}`)));
    });
    await ready;
  }, 60_000);

  afterAll(async () => {
    if (main && main.exitCode === null) {
      const exited = new Promise((resolve) => main.once('exit', resolve));
      main.kill('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise((resolve) => setTimeout(() => resolve(false), 20_000)),
      ]);
      if (!stopped && main.pid) process.kill(-main.pid, 'SIGKILL');
    }
    if (redis.url) {
      const client = new Redis(redis.url, { lazyConnect: true });
      await client.connect();
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      client.disconnect();
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await redis.stop();
  }, 40_000);

  it('runs an enqueued run on a worker and serves its events, resumable after any event, and its result', async () => {
    const enqueued = await send(`${base}/v1/runs`, 'POST', {
      message: 'What time is it in Europe/Paris and Asia/Tokyo?',
      sessionId: 'queue-1',
    });
    expect(enqueued.status).toBe(202);
    const { runId } = enqueued.json;
    expect(enqueued.json).toMatchObject({
      sessionId: 'queue-1',
      agent: 'assistant',
      events: `/v1/runs/${runId}/events`,
    });

    const events = await readEvents(`${base}/v1/runs/${runId}/events`);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run:start');
    expect(types.at(-1)).toBe('run:end');
    expect(types.filter((t) => t === 'run:end' || t === 'run:error')).toHaveLength(1);
    expect(types.filter((t) => t === 'tool:end')).toHaveLength(2);
    for (const event of events) expect(event.data.runId).toBe(runId);
    // Every event has an id, and they are distinct and in order.
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => /^\d+-\d+$/.test(id))).toBe(true);

    // A client whose stream broke after the third event reads the rest, and only the rest.
    const rest = await readEvents(`${base}/v1/runs/${runId}/events`, ids[2]);
    expect(rest.map((e) => e.id)).toEqual(ids.slice(3));

    const result = await send(`${base}/v1/runs/${runId}`, 'GET');
    expect(result.status).toBe(200);
    expect(JSON.stringify(result.json)).toContain('Europe/Paris');
    expect(JSON.stringify(result.json)).toContain('Asia/Tokyo');
  }, 60_000);

  it('pauses a refund for approval and continues it once approved', async () => {
    const enqueued = await send(`${base}/v1/runs`, 'POST', {
      agent: 'orders',
      message: 'Refund order 42, it arrived broken',
    });
    expect(enqueued.status).toBe(202);
    const { runId } = enqueued.json;

    const paused = await readEvents(`${base}/v1/runs/${runId}/events`);
    const interrupt = paused.find((e) => e.type === 'tool:interrupt');
    expect(interrupt, paused.map((e) => e.type).join(' ')).toBeDefined();
    expect(paused.some((e) => e.type === 'tool:start')).toBe(false);
    const end = paused.at(-1) as SseEvent;
    expect(end.type).toBe('run:end');
    const interruptionId = (interrupt?.data.interruption as { id: string } | undefined)?.id ?? '';

    const approved = await send(`${base}/v1/runs/${runId}/approve`, 'POST', {
      decisions: { [interruptionId]: 'approve' },
    });
    expect(approved.status).toBe(202);

    // The continued run's events follow the pause's on the same stream of the run.
    const resumed = await readEvents(`${base}/v1/runs/${runId}/events`, end.id);
    const types = resumed.map((e) => e.type);
    expect(types[0]).toBe('run:start');
    expect(resumed[0]?.data.resumed).toBe(true);
    expect(types).toContain('tool:start');
    expect(types.at(-1)).toBe('run:end');
    const result = await send(`${base}/v1/runs/${runId}`, 'GET');
    expect(JSON.stringify(result.json)).toMatch(/Order 42 is refunded/);

    // Approving again: the run waits for nothing, so that is refused, not run twice.
    const again = await send(`${base}/v1/runs/${runId}/approve`, 'POST', {
      decisions: { [interruptionId]: 'approve' },
    });
    expect(again.status).toBe(409);
  }, 60_000);

  it('answers bad requests with a status and an error saying what was wrong', async () => {
    const unknownAgent = await send(`${base}/v1/runs`, 'POST', { agent: 'nobody', message: 'hi' });
    expect(unknownAgent.status).toBe(400);
    expect(unknownAgent.json.error.code).toBe('unknown_agent');
    expect(unknownAgent.json.error.message).toMatch(/assistant/);

    const notJson = await send(`${base}/v1/runs`, 'POST', '{"message":');
    expect(notJson.status).toBe(400);

    for (const path of ['', '/events']) {
      const missing = await send(`${base}/v1/runs/run_does_not_exist${path}`, 'GET');
      expect(missing.status, path).toBe(404);
      expect(missing.json.error.code).toBe('run_not_found');
    }

    const wrongMethod = await send(`${base}/v1/runs/run_x/events`, 'POST', {});
    expect(wrongMethod.status).toBe(405);
    const noRoute = await send(`${base}/v2/anything`, 'GET');
    expect(noRoute.status).toBe(404);
  }, 30_000);

  it('stops the API and its workers gracefully on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => main.once('exit', resolve));
    main.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).not.toMatch(/Error:|at .*\.ts:\d+/);
  }, 30_000);
});
