/**
 * Loads a CommonJS dependency on first use, synchronously, on Node.js. The package's root then
 * pays for ajv (about 50 ms of import) and zod-to-json-schema (about 25 ms) only in a program
 * that defines a JSON-Schema tool or a zod v3 tool, not in every program that imports it.
 *
 * @module
 * @internal
 */

type CreateRequire = (from: string) => (id: string) => unknown;

let nodeRequire: ((id: string) => unknown) | null | undefined;

/**
 * Requires `id` from this package, through `createRequire` reached with
 * `process.getBuiltinModule` (Node >= 20.16) so that no module of this package imports a Node
 * builtin and the root still loads on edge runtimes.
 *
 * @param id - The module, resolved from this package (one of its dependencies).
 * @returns The module, or `undefined` on a runtime without Node builtins.
 */
export function requireOnNode<TModule>(id: string): TModule | undefined {
  if (nodeRequire === undefined) {
    const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process;
    const nodeModule = nodeProcess?.getBuiltinModule?.('node:module') as
      | { createRequire?: CreateRequire }
      | undefined;
    nodeRequire =
      typeof nodeModule?.createRequire === 'function'
        ? nodeModule.createRequire(import.meta.url)
        : null;
  }
  return nodeRequire === null ? undefined : (nodeRequire(id) as TModule);
}
