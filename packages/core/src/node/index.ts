/**
 * `@agentloop/core/node`: the pieces of core that need Node.js (or Deno, Bun) because they keep
 * runs in files. The package root stays free of Node modules, so it also loads on edge runtimes;
 * import `FileRunStore` from here.
 *
 * @packageDocumentation
 */

export { FileRunStore, type FileRunStoreOptions } from './file-run-store.js';
