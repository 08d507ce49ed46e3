/**
 * The inspector's server and command line, over HTTP on 127.0.0.1: what the page is served,
 * a log read as it grows (a line still being written waits for its end, a truncated file is read
 * again), a folder of day files, and the clear messages for a missing log, a port in use and
 * bad arguments.
 */
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Inspector, InspectorError, startInspector } from '@agentloop/inspector';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../packages/inspector/src/cli.js';
import type { RunsResponse } from '../../packages/inspector/src/model/api-types.js';

let dir: string;
const open: Array<Inspector | Server> = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentloop-inspect-'));
});
afterEach(async () => {
  for (const item of open.splice(0)) {
    if ('url' in item) await item.close();
    else await new Promise((done) => item.close(done));
  }
  rmSync(dir, { recursive: true, force: true });
});

const line = (ts: number, type: string, runId: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ ts, type, runId, turn: 0, ...extra })}\n`;

async function start(path: string, pollMs = 20): Promise<Inspector> {
  const inspector = await startInspector({ path, port: 0, pollMs });
  open.push(inspector);
  return inspector;
}

async function runs(inspector: Inspector): Promise<RunsResponse> {
  const response = await fetch(`${inspector.url}api/runs`);
  expect(response.status).toBe(200);
  return (await response.json()) as RunsResponse;
}

/** Waits until `check` passes, polling; fails with its last error after `ms`. */
async function eventually(check: () => Promise<void>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('startInspector', () => {
  it('serves the page, its script and stylesheet from this origin only, and the runs as JSON', async () => {
    const file = join(dir, 'runs.jsonl');
    writeFileSync(file, line(1, 'run:start', 'r1', { agent: 'bot', input: 'hi' }));
    const inspector = await start(file);
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const page = await fetch(inspector.url);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
    const html = await page.text();
    expect(html).toContain('<script type="module" src="/app.js">');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await fetch(`${inspector.url}app.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${inspector.url}app.css`)).status).toBe(200);

    const body = await runs(inspector);
    expect(body.runs).toMatchObject([{ runId: 'r1', agent: 'bot', status: 'running' }]);
    expect(body.source).toMatchObject({ path: file, kind: 'file' });
    const run = await fetch(`${inspector.url}api/runs/r1`);
    expect(((await run.json()) as { events: unknown[] }).events).toHaveLength(1);
    expect((await fetch(`${inspector.url}api/runs/nope`)).status).toBe(404);
  });

  it('refuses requests for another host name (a rebound DNS name) and anything but reads', async () => {
    const file = join(dir, 'runs.jsonl');
    writeFileSync(file, '');
    const inspector = await start(file);
    const status = (host: string, method = 'GET') =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: inspector.port, path: '/api/runs', method, headers: { host } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
    expect(await status(`evil.example:${inspector.port}`)).toBe(403);
    expect(await status(`localhost:${inspector.port}`)).toBe(200);
    expect(await status(`127.0.0.1:${inspector.port}`, 'POST')).toBe(405);
  });

  it('reads lines as they are appended, waits for a line still being written, and tells the page', async () => {
    const file = join(dir, 'runs.jsonl');
    writeFileSync(file, line(1, 'run:start', 'r1', { agent: 'bot' }));
    const inspector = await start(file);
    const updates = await fetch(`${inspector.url}api/updates`);
    expect(updates.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = updates.body?.getReader();
    const first = new TextDecoder().decode((await reader?.read())?.value);
    expect(first).toMatch(/data: \{"version":0\}/);

    const whole = line(2, 'run:start', 'r2', { agent: 'other' });
    appendFileSync(file, whole.slice(0, 20));
    await eventually(async () => {
      const body = await runs(inspector);
      expect(body.notes.join(' ')).toMatch(/has no end yet/);
      expect(body.runs).toHaveLength(1);
    });
    appendFileSync(file, whole.slice(20));
    await eventually(async () => {
      const body = await runs(inspector);
      expect(body.runs.map((r) => r.runId)).toEqual(['r2', 'r1']);
      expect(body.notes).toEqual([]);
    });
    const next = new TextDecoder().decode((await reader?.read())?.value);
    expect(next).toMatch(/data: \{"version":[1-9]\d*\}/);
    await reader?.cancel();
  });

  it('reads a file again from the start when it was truncated or replaced', async () => {
    const file = join(dir, 'runs.jsonl');
    writeFileSync(file, line(1, 'run:start', 'old', { agent: 'bot' }));
    const inspector = await start(file);
    expect((await runs(inspector)).runs.map((r) => r.runId)).toEqual(['old']);
    truncateSync(file, 0);
    appendFileSync(file, line(5, 'run:start', 'new', { agent: 'bot' }));
    await eventually(async () => {
      expect((await runs(inspector)).runs.map((r) => r.runId)).toEqual(['new']);
    });
  });

  it('reads every .jsonl file of a folder, and files added later', async () => {
    mkdirSync(join(dir, 'logs'));
    writeFileSync(
      join(dir, 'logs', 'runs-2026-01-01.jsonl'),
      line(1, 'run:start', 'a', { agent: 'x' }),
    );
    writeFileSync(join(dir, 'logs', 'notes.txt'), 'not a log');
    const inspector = await start(join(dir, 'logs'));
    expect((await runs(inspector)).source.files.map((f) => f.name)).toEqual([
      'runs-2026-01-01.jsonl',
    ]);
    writeFileSync(
      join(dir, 'logs', 'runs-2026-01-02.jsonl'),
      line(2, 'run:start', 'b', { agent: 'x' }),
    );
    await eventually(async () => {
      expect((await runs(inspector)).runs.map((r) => r.runId)).toEqual(['b', 'a']);
    });
  });

  it('says the log is missing, with what to pass', async () => {
    const error = await startInspector({ path: join(dir, 'nope.jsonl'), port: 0 }).catch(
      (e: unknown) => e,
    );
    expect(InspectorError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'log_not_found' });
    expect((error as Error).message).toMatch(
      /There is no run log at .*nope\.jsonl.*runLog\(\{ file \}\)/,
    );
  });

  it('says the port is in use, with what to do', async () => {
    const taken = createServer();
    open.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    writeFileSync(join(dir, 'runs.jsonl'), '');
    const error = await startInspector({ path: join(dir, 'runs.jsonl'), port }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'port_in_use' });
    expect((error as Error).message).toMatch(new RegExp(`Port ${port} .* in use.*--port 0`));
  });
});

describe('agentloop-inspect', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
  };

  it('prints the URL and what it read, and serves until closed', async () => {
    const file = join(dir, 'runs.jsonl');
    writeFileSync(file, `${line(1, 'run:start', 'r1', { agent: 'bot' })}not json\n`);
    const { out, io: streams } = io();
    const started = await main([file, '--port', '0'], streams);
    if (typeof started === 'number') throw new Error(`exited ${started}`);
    open.push(started);
    expect(out[0]).toBe(`agentloop inspector: ${started.url}`);
    expect(out[1]).toMatch(/1 run, 1 events, 1 unreadable line \(listed on the page\)/);
    expect((await fetch(started.url)).status).toBe(200);
  });

  it.each([
    [[], 2, /expected the run log to show/],
    [['a', 'b'], 2, /expected one run log .* got 2/],
    [['x.jsonl', '--port', 'http'], 2, /--port expects a number/],
    [['x.jsonl', '--colour'], 2, /Unknown option/],
    [['missing.jsonl'], 1, /There is no run log at missing\.jsonl/],
  ])('%j exits %i with a message on stderr', async (args, code, message) => {
    const { err, out, io: streams } = io();
    const result = await main(args, streams);
    expect(result).toBe(code);
    expect(err.join('\n')).toMatch(message);
    expect(out).toEqual([]);
  });

  it('says the port is in use and exits 1', async () => {
    const taken = createServer();
    open.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    writeFileSync(join(dir, 'runs.jsonl'), '');
    const { err, io: streams } = io();
    expect(await main([join(dir, 'runs.jsonl'), '--port', String(port)], streams)).toBe(1);
    expect(err[0]).toMatch(/^agentloop-inspect: Port \d+ on 127\.0\.0\.1 is in use/);
  });

  it('--help prints the usage and exits 0', async () => {
    const { out, io: streams } = io();
    expect(await main(['--help'], streams)).toBe(0);
    expect(out[0]).toMatch(/^Usage: agentloop-inspect <file\|dir> \[--port N\]/);
  });
});
