/**
 * The child process of the tracing-overhead benchmark: measures runs with and without
 * `otelMiddleware` against a test server of its own and prints one JSON line (the medians).
 *
 * Usage: `node --import tsx bench/otel-overhead-child.ts '{"runs":300}'` (after `pnpm build`)
 *
 * @module
 */

import { measureOtelOverhead, type OtelOverheadOptions } from './otel-overhead.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Omit<OtelOverheadOptions, 'forks'>;
console.log(JSON.stringify(await measureOtelOverhead(options)));
