import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 20_000,
    pool: 'forks',
    // `source` is also the export condition of eventsource-parser (under the MCP SDK), where it
    // points at TypeScript: Vite transforms it rather than Node refusing to load a .ts file.
    server: { deps: { inline: [/@modelcontextprotocol[\\/]sdk/, /eventsource-parser/] } },
    // On CI a JSON report is written too, so .ci/run can print a plain "N passed, N failed" line.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: '.vitest-results.json' }]]
      : ['default'],
  },
});
