import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ToolRegistry } from '@agentloop/tools';
import { describe, expect, it, vi } from 'vitest';
import { validateTools } from '../../support/validate-tools.js';

const PACKAGE = join(import.meta.dirname, '../../../packages/tools');

describe('@agentloop/tools/builtin', () => {
  it('exports exactly the public names', async () => {
    const builtin = await import('@agentloop/tools/builtin');
    expect(Object.keys(builtin).sort()).toEqual([
      'BuiltinToolError',
      'braveSearchBackend',
      'calculate',
      'calculatorTool',
      'classifyAddress',
      'httpGetTool',
      'localSearchTool',
      'searxngBackend',
      'weatherTool',
      'webSearchTool',
    ]);
  });

  it('is a subpath export with source, types and default', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'));
    expect(pkg.exports['./builtin']).toEqual({
      source: './src/builtin/index.ts',
      types: './dist/builtin/index.d.ts',
      default: './dist/builtin/index.js',
    });
  });

  it('does no work at import or creation: no request, no timer', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch');
    vi.resetModules();
    const builtin = await import('@agentloop/tools/builtin');
    builtin.weatherTool();
    builtin.webSearchTool({ backend: builtin.searxngBackend({ baseUrl: 'http://127.0.0.1:1' }) });
    builtin.httpGetTool({ allow: ['example.com'] });
    builtin.calculatorTool();
    expect(fetch).not.toHaveBeenCalled();
    fetch.mockRestore();
  });

  it('every tool is accepted by the API rules, with distinct default names', async () => {
    const builtin = await import('@agentloop/tools/builtin');
    const registry = new ToolRegistry([
      builtin.weatherTool(),
      builtin.calculatorTool(),
      builtin.localSearchTool({ dir: join(import.meta.dirname, '../../fixtures/docs') }),
      builtin.webSearchTool({ backend: builtin.searxngBackend({ baseUrl: 'http://127.0.0.1:1' }) }),
      builtin.httpGetTool({ allow: ['example.com'] }),
    ]);
    const tools = registry.toOpenAITools();
    expect(validateTools(tools)).toBeNull();
    expect(tools.map((t) => t.function.name)).toEqual([
      'get_weather',
      'calculator',
      'search_documents',
      'web_search',
      'http_get',
    ]);
    expect(
      tools.every((t) => t.function.strict === true && (t.function.description ?? '').length > 60),
    ).toBe(true);
  });

  it('imports neither core nor memory', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
      );
    for (const file of walk(join(PACKAGE, 'src/builtin'))) {
      expect(readFileSync(file, 'utf8'), file).not.toMatch(
        /(from|import\()\s*['"]@agentloop\/(core|memory)/,
      );
    }
  });

  it('errors carry the agentloop marker and a code', async () => {
    const { BuiltinToolError } = await import('@agentloop/tools/builtin');
    const error = new BuiltinToolError('x', { code: 'blocked_url', url: 'http://a' });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('blocked_url');
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('agentloop.error')]).toBe(true);
    expect(new BuiltinToolError('y', { code: 'io_error', cause: error }).cause).toBe(error);
  });
});
