/**
 * `@agentloop/memory/node`: the pieces of memory that need Node.js (or Deno, Bun) because they
 * keep sessions in files. The package root stays free of Node modules, so it also loads on edge
 * runtimes; import `FileStore` from here.
 *
 * @packageDocumentation
 */

export { type CorruptLine, FileStore, type FileStoreOptions } from './file-store.js';
