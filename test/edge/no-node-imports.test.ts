/**
 * A static guard beside the edge-runtime test: no module reachable from the roots of core (and
 * `@agentloop/core/testing`), memory and tools imports a Node builtin, statically or by a dynamic
 * import. FileStore and FileRunStore, which keep sessions and runs in files, are Node-only: they
 * live behind their own entries, `@agentloop/memory/node` and `@agentloop/core/node`, which no
 * root reaches. `import type` is fine: it leaves no trace in
 * JavaScript.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const ROOTS = [
  'packages/core/src/index.ts',
  'packages/core/src/testing/index.ts',
  'packages/memory/src/index.ts',
  'packages/tools/src/index.ts',
  'packages/otel/src/index.ts',
];

/** The workspace packages, by name, to their `src` folder. */
const WORKSPACE: Record<string, string> = {
  '@agentloop/core': 'packages/core/src',
  '@agentloop/memory': 'packages/memory/src',
  '@agentloop/otel': 'packages/otel/src',
  '@agentloop/protocol': 'packages/protocol/src',
  '@agentloop/tools': 'packages/tools/src',
};

const builtins = new Set(builtinModules);

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtins.has(specifier.split('/')[0] ?? specifier);
}

interface Import {
  specifier: string;
  /** A dynamic `import()` inside a function body runs only when called. */
  lazy: boolean;
}

/** The runtime imports of one file: type-only ones left out. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
  );
  const found: Import[] = [];
  const visit = (node: ts.Node, inFunction: boolean) => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      const named = node.importClause?.namedBindings;
      const allTypes =
        named !== undefined &&
        ts.isNamedImports(named) &&
        node.importClause?.name === undefined &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      if (!allTypes && ts.isStringLiteral(node.moduleSpecifier)) {
        found.push({ specifier: node.moduleSpecifier.text, lazy: false });
      }
    } else if (
      ts.isExportDeclaration(node) &&
      !node.isTypeOnly &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, lazy: false });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, lazy: inFunction });
    }
    const nested = inFunction || ts.isFunctionLike(node);
    ts.forEachChild(node, (child) => visit(child, nested));
  };
  visit(source, false);
  return found;
}

/** The workspace file an import leads to, or undefined for a third-party package. */
function resolveWorkspace(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) {
    return resolve(dirname(from), specifier.replace(/\.js$/, '.ts'));
  }
  const [scope, name, ...rest] = specifier.split('/');
  const folder = WORKSPACE[`${scope}/${name}`];
  if (folder === undefined) return undefined;
  return join(root, folder, rest.length === 0 ? 'index.ts' : `${rest.join('/')}/index.ts`);
}

/** Every workspace file reachable from the roots, with the Node builtins each one imports. */
function scan(): { reached: string[]; offences: string[] } {
  const seen = new Set<string>();
  const offences: string[] = [];
  const queue = ROOTS.map((file) => join(root, file));
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const name = relative(root, file).split('\\').join('/');
    for (const { specifier, lazy } of importsOf(file)) {
      if (isBuiltin(specifier)) {
        offences.push(`${name} imports '${specifier}'${lazy ? ' (dynamically)' : ''}`);
        continue;
      }
      const next = resolveWorkspace(file, specifier);
      if (next !== undefined) queue.push(next);
    }
  }
  return { reached: [...seen].map((file) => relative(root, file)), offences };
}

describe('Node builtins reachable from the package roots', () => {
  const { reached, offences } = scan();

  it('walks the whole graph of the packages, protocol at the bottom included', () => {
    expect(reached.length).toBeGreaterThan(50);
    expect(reached).toContain(join('packages', 'protocol', 'src', 'agent-error.ts'));
    expect(reached).toContain(join('packages', 'core', 'src', 'run', 'run-signal.ts'));
    expect(reached).toContain(join('packages', 'memory', 'src', 'encoder-cache.ts'));
    expect(reached).toContain(join('packages', 'tools', 'src', 'execute-tool-call.ts'));
    expect(reached).toContain(join('packages', 'otel', 'src', 'otel-middleware.ts'));
  });

  it('are imported by no module', () => {
    expect(offences).toEqual([]);
  });

  it('do not reach FileStore, which is Node-only behind @agentloop/memory/node', () => {
    expect(reached).not.toContain(join('packages', 'memory', 'src', 'file-store.ts'));
    expect(reached).not.toContain(join('packages', 'memory', 'src', 'node.ts'));
  });

  it('do not reach FileRunStore, which is Node-only behind @agentloop/core/node', () => {
    expect(reached).not.toContain(join('packages', 'core', 'src', 'node', 'index.ts'));
    expect(reached).not.toContain(join('packages', 'core', 'src', 'node', 'file-run-store.ts'));
    // The in-memory store is on the root, for edge runtimes too.
    expect(reached).toContain(join('packages', 'core', 'src', 'run', 'in-memory-run-store.ts'));
  });
});
