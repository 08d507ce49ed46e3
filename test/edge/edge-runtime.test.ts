/**
 * Core runs on any runtime with web standards, not only Node: the package roots are bundled for
 * the browser platform (the way Next.js, Vercel or Cloudflare bundle an edge route) and evaluated
 * in Vercel's Edge Runtime, a V8 context with web APIs and no `process`, `require`, `Buffer` or
 * Node builtins. A run, a stream served through `toSSEResponse`, the `openai()` model and
 * memory's root must all work there; the build itself fails on any Node builtin import.
 */
import { fileURLToPath } from 'node:url';
import { EdgeRuntime } from 'edge-runtime';
import { build, type Metafile, type Plugin } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';

const entry = fileURLToPath(new URL('./edge-app.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Fails the build on any Node builtin import (FileStore, which needs files, is not reachable). */
const noNodeBuiltins: Plugin = {
  name: 'no-node-builtins',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^node:/ }, ({ path, importer }) => {
      return {
        errors: [
          {
            text: `${importer} imports the Node builtin '${path}', which edge runtimes do not have. Use a web standard API, or load it lazily behind a Node-only entry.`,
          },
        ],
      };
    });
  },
};

interface Bundle {
  code: string;
  metafile: Metafile;
}

async function bundle(): Promise<Bundle> {
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    // `source` picks the TypeScript sources of the workspace packages; `edge-light` and `worker`
    // are what edge bundlers ask for.
    conditions: ['source', 'edge-light', 'worker', 'browser'],
    metafile: true,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output file.');
  return { code: output.text, metafile: result.metafile };
}

interface OpenAIReport {
  text: string;
  requests: { url: string; body: { model: string; messages: unknown[] } }[];
}

interface EdgeReport {
  runtime: { process: string; require: string };
  run: {
    runId: string;
    text: string;
    turns: number;
    usage: Record<string, unknown>;
    toolCalls: { name: string; outcome: { ok: boolean; output?: unknown } }[];
    events: string[];
    warnings: string[];
  };
  sse: { status: number; contentType: string | null; body: string };
  memory: {
    loaded: unknown[];
    trimType: string;
    counting: { name: string; code: string; message: string; agentError: boolean } | undefined;
  };
  openaiWithoutKey: { name: string; code: string; message: string } | undefined;
  runStore: { loaded: unknown; second: { code: string } | undefined };
  jsonSchemaTool: { name: string; code: string; message: string } | undefined;
}

let built: Bundle;
let report: EdgeReport;
let openaiReport: OpenAIReport;

beforeAll(async () => {
  built = await bundle();
  const runtime = new EdgeRuntime();
  runtime.evaluate(built.code);
  report = JSON.parse(await (runtime.evaluate('edgeApp.web()') as Promise<string>)) as EdgeReport;
  // openai@6's client reads `process.version` when the `EdgeRuntime` global is set (fixed in
  // later openai releases). Vercel's edge functions and Next.js edge routes do provide a
  // `process` (with `env`, and no `version`), so this runtime gets one like theirs.
  const vercelLike = new EdgeRuntime({
    extend: (context) => Object.assign(context, { process: { env: {} } }),
  });
  vercelLike.evaluate(built.code);
  openaiReport = JSON.parse(
    await (vercelLike.evaluate('edgeApp.openai()') as Promise<string>),
  ) as OpenAIReport;
}, 60_000);

/** The SSE body as `{ event, data }` records. */
function parseSSE(body: string): { event: string; data: Record<string, unknown> }[] {
  return body
    .split('\n\n')
    .filter((frame) => frame.startsWith('event: '))
    .map((frame) => {
      const [eventLine = '', dataLine = ''] = frame.split('\n');
      return {
        event: eventLine.slice('event: '.length),
        data: JSON.parse(dataLine.slice('data: '.length)) as Record<string, unknown>,
      };
    });
}

describe('the packages on an edge runtime', () => {
  it('bundles with no Node builtin left in the output', () => {
    // The plugin failed the build on any Node builtin; nothing may be left external either.
    const imports = Object.values(built.metafile.outputs).flatMap((output) => output.imports);
    expect(imports).toEqual([]);
    expect(Object.keys(built.metafile.inputs)).toContain('packages/core/src/run/run-signal.ts');
  });

  it('runs where there is no process and no require', () => {
    expect(report.runtime).toEqual({ process: 'undefined', require: 'undefined' });
  });

  it('runs an agent with a zod tool to its answer, with every event', () => {
    const { run } = report;
    expect(run.text).toBe('2 + 3 = 5');
    expect(run.turns).toBe(2);
    expect(run.runId).toMatch(
      /^run_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(run.usage).toMatchObject({ promptTokens: 24, completionTokens: 6, totalTokens: 30 });
    expect(run.toolCalls).toEqual([
      { name: 'add', outcome: expect.objectContaining({ ok: true }) },
    ]);
    expect(run.events).toEqual([
      'run:start',
      'turn:start',
      'model:start',
      'model:end',
      'tool:start',
      'tool:end',
      'turn:end',
      'turn:start',
      'model:start',
      'model:end',
      'turn:end',
      'run:end',
    ]);
    expect(run.warnings).toEqual([expect.stringContaining('a listener for "run:end" threw')]);
  });

  it('streams a run through toSSEResponse, readable back as events', () => {
    const { sse } = report;
    expect(sse.status).toBe(200);
    expect(sse.contentType).toBe('text/event-stream; charset=utf-8');
    const events = parseSSE(sse.body);
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('run:start');
    expect(types.at(-1)).toBe('run:end');
    expect(types).toContain('tool:end');
    const text = events
      .filter((e) => e.event === 'text:delta')
      .map((e) => e.data.delta)
      .join('');
    expect(text).toBe('2 + 3 = 5');
    expect(events.at(-1)?.data).toMatchObject({ result: { text: '2 + 3 = 5' } });
  });

  it('runs the openai() model over a given fetch', () => {
    const openai = openaiReport;
    expect(openai.text).toBe('hello from edge');
    expect(openai.requests).toHaveLength(1);
    expect(openai.requests[0]?.url).toBe('http://127.0.0.1:9/v1/chat/completions');
    expect(openai.requests[0]?.body.model).toBe('gpt-4o-mini');
  });

  it('explains a missing key for openai() where there is no process to read it from', () => {
    expect(report.openaiWithoutKey).toMatchObject({
      name: 'ConfigurationError',
      code: 'invalid_config',
    });
    expect(report.openaiWithoutKey?.message).toContain('No API key');
  });

  it("loads memory's root; counting tokens says it needs Node.js", () => {
    const { memory } = report;
    expect(memory.loaded).toEqual([{ role: 'user', content: 'hi' }]);
    expect(memory.trimType).toBe('function');
    expect(memory.counting).toMatchObject({ agentError: true, code: 'unsupported_runtime' });
    expect(memory.counting?.message).toContain('TokenCounter needs Node.js');
  });

  it('refuses a JSON-Schema tool at definition, saying ajv needs Node.js', () => {
    expect(report.jsonSchemaTool).toMatchObject({
      name: 'ToolDefinitionError',
      code: 'invalid_parameters',
    });
    expect(report.jsonSchemaTool?.message).toContain(
      'Cannot define tool "add" from a JSON Schema here: ajv, which compiles each schema to code, loads on Node.js only',
    );
  });

  it("keeps run checkpoints and claims with core's InMemoryRunStore", () => {
    const { runStore } = report;
    expect(runStore.loaded).toEqual({
      runId: 'run_edge',
      turn: 1,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(runStore.second).toMatchObject({ code: 'run_in_progress' });
  });
}, 60_000);
