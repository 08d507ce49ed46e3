/**
 * The child process of the loop-overhead benchmark: measures both loops against a test server
 * of its own and prints one JSON line, `{ agentMs, rawMs }` (the median run of each).
 *
 * Usage: `node --import tsx bench/loop-overhead-child.ts '{"runs":300}'` (after `pnpm build`)
 *
 * @module
 */

import { type LoopOverheadOptions, measureLoopOverhead } from './loop-overhead.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Omit<LoopOverheadOptions, 'forks'>;
console.log(JSON.stringify(await measureLoopOverhead(options)));
