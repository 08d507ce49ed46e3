/**
 * The benchmarks measure the packages as users get them: `dist/`, built by `pnpm build`. This
 * module checks that every package's build is there and newer than its sources, and says what
 * to run when it is not, instead of timing stale code or failing on a missing import.
 *
 * @module
 */

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { REPO_ROOT } from './child-process.js';

/** The packages the benchmarks import. */
const PACKAGES = ['core', 'tools', 'memory', 'mcp', 'inspector', 'otel', 'redis'] as const;

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const { mtimeMs } = await stat(join(entry.parentPath, entry.name));
    newest = Math.max(newest, mtimeMs);
  }
  return newest;
}

/**
 * Throws when a package's `dist/index.js` is missing or older than a file of its `src/`.
 *
 * @throws Error naming the package and telling to run `pnpm build` (or simply `pnpm bench`,
 *   which builds first).
 */
export async function requireBuild(): Promise<void> {
  for (const name of PACKAGES) {
    const root = join(REPO_ROOT, 'packages', name);
    const built = await stat(join(root, 'dist', 'index.js')).catch(() => undefined);
    if (!built) {
      throw new Error(
        `packages/${name}/dist is missing: the benchmarks measure the built packages. Run \`pnpm bench\` (it builds first) or \`pnpm build\`.`,
      );
    }
    // tsc may leave unchanged outputs alone, so compare with the newest file of the build.
    if ((await newestMtime(join(root, 'src'))) > (await newestMtime(join(root, 'dist')))) {
      throw new Error(
        `packages/${name}/dist is older than its src/: the benchmarks would time old code. Run \`pnpm bench\` (it builds first) or \`pnpm build\`.`,
      );
    }
  }
}
