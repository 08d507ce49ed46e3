/**
 * The published packages' manifests, checked without a build: what a consumer's resolver and
 * package manager read. `consumer.test.ts` checks the packed result.
 */
import { describe, expect, it } from 'vitest';
import { PACKAGES, readManifest } from './packed-packages.js';

describe.each(PACKAGES)('packages/$dir ($name)', ({ dir, name }) => {
  const manifest = readManifest(dir);

  it('is ESM only, free of side effects, for Node 20 and later, with a license', () => {
    expect(manifest.name).toBe(name);
    expect(manifest.type).toBe('module');
    expect(manifest.sideEffects).toBe(false);
    expect(manifest.engines).toEqual({ node: '>=20.16' });
    expect(manifest.license).toBe('MIT');
  });

  it('publishes the same entry points as the workspace sees, without the source condition', () => {
    // In the workspace `source` points tests and examples at src/*.ts. Published, it would send
    // any consumer whose tools enable a `source` condition (a common name in monorepos) to
    // TypeScript files: plain node cannot load them and tsc would check them with the
    // consumer's settings. pnpm pack and pnpm publish replace `exports` with this one.
    const published = manifest.publishConfig?.exports ?? {};
    expect(Object.keys(published)).toEqual(Object.keys(manifest.exports));
    for (const [entry, target] of Object.entries(manifest.exports)) {
      const { source, ...rest } = target;
      expect(source, entry).toMatch(/^\.\/src\/.*\.ts$/);
      expect(published[entry], entry).toEqual(rest);
      expect(Object.keys(published[entry] ?? {}), entry).toEqual(['types', 'default']);
    }
  });

  it('ships dist, and src for the source and declaration maps that point into it', () => {
    expect(manifest.files).toEqual(['dist', 'src']);
  });

  it.runIf(dir === 'protocol')('has no dependencies at all, of any kind, for the consumer', () => {
    // The bottom of the graph: every package installs it, so it must cost nothing to install.
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
    expect(manifest.devDependencies ?? {}).toEqual({});
  });

  it.runIf(dir === 'mcp')('is built on the official MCP SDK 1.x, and needs no openai', () => {
    expect(manifest.dependencies?.['@modelcontextprotocol/sdk']).toMatch(/^\^1\./);
    expect(manifest.dependencies?.openai).toBeUndefined();
    expect(manifest.peerDependencies?.openai).toBeUndefined();
  });

  it.skipIf(dir === 'protocol' || dir === 'mcp' || dir === 'otel' || dir === 'redis')(
    'takes openai (whose types are its message types) and zod from the consumer, as peers',
    () => {
      // One copy of openai: a user's `new OpenAI()` passed as `openai(name, { client })` must be
      // the class core was typed against (its #private fields make two copies incompatible).
      expect(manifest.dependencies?.openai, 'openai in dependencies').toBeUndefined();
      expect(manifest.peerDependencies?.openai).toMatch(/^\^6\./);
      expect(manifest.dependencies?.zod, 'zod in dependencies').toBeUndefined();
      if (dir === 'tools') expect(manifest.peerDependencies?.zod).toBe('^3.25.0 || ^4.0.0');
      const optional = manifest.peerDependenciesMeta?.openai?.optional === true;
      // core creates the client; tools and memory only use openai's types.
      expect(optional).toBe(dir !== 'core');
    },
  );

  it.runIf(dir === 'memory')(
    'takes tiktoken (23 MB installed) as an optional peer: only a program that counts tokens installs it',
    () => {
      expect(manifest.dependencies?.tiktoken, 'tiktoken in dependencies').toBeUndefined();
      expect(manifest.peerDependencies?.tiktoken).toMatch(/^\^1\./);
      expect(manifest.peerDependenciesMeta?.tiktoken?.optional).toBe(true);
    },
  );

  it.runIf(dir === 'otel')(
    'takes @opentelemetry/api from the consumer, as a peer, and no other OpenTelemetry package',
    () => {
      // One API copy: spans nest only when the tracer provider the app registered and the API
      // this package calls are the same module. The SDK is the app's choice.
      expect(manifest.peerDependencies).toEqual({ '@opentelemetry/api': '^1.4.0' });
      const deps = Object.keys(manifest.dependencies ?? {});
      expect(deps.filter((dep) => dep.startsWith('@opentelemetry/'))).toEqual([]);
    },
  );

  it.runIf(dir === 'redis')('is built on ioredis and BullMQ, and takes openai through core', () => {
    // Redis is the engine (DESIGN.md): ioredis is the client, BullMQ the queue; openai's types
    // reach it through core and memory, whose peer it already is.
    expect(manifest.dependencies?.ioredis).toMatch(/^\^\d/);
    expect(manifest.dependencies?.bullmq).toMatch(/^\^\d/);
    expect(manifest.dependencies?.openai).toBeUndefined();
  });

  it('depends on its sibling packages by workspace:* only, one way (core → tools, memory → protocol; mcp → tools; otel → core; redis → core, memory)', () => {
    const siblings = Object.entries(manifest.dependencies ?? {}).filter(([dep]) =>
      dep.startsWith('@agentloop/'),
    );
    for (const [dep, range] of siblings) expect(range, dep).toBe('workspace:*');
    const expected: Record<string, string[]> = {
      protocol: [],
      tools: ['@agentloop/protocol'],
      memory: ['@agentloop/protocol'],
      core: ['@agentloop/memory', '@agentloop/protocol', '@agentloop/tools'],
      mcp: ['@agentloop/protocol', '@agentloop/tools'],
      otel: ['@agentloop/core'],
      redis: ['@agentloop/core', '@agentloop/memory', '@agentloop/protocol'],
    };
    expect(siblings.map(([dep]) => dep).sort()).toEqual(expected[dir]);
  });
});
