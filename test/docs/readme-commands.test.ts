/**
 * The READMEs' commands work verbatim on a fresh machine, where pnpm is not installed: every
 * command that runs pnpm runs it as `npx -y pnpm@10`. A bare `pnpm demo` fails there with
 * "command not found".
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function readmes(): string[] {
  const files = ['README.md', 'bench/README.md', 'test/support/README.md'];
  for (const group of ['packages', 'examples']) {
    for (const dir of readdirSync(join(root, group))) files.push(`${group}/${dir}/README.md`);
  }
  return files.filter((file) => {
    try {
      readFileSync(join(root, file));
      return true;
    } catch {
      return false;
    }
  });
}

/** The commands of a Markdown text: lines of `sh` code blocks and inline code spans. */
function commands(markdown: string): string[] {
  const found: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = /^```(\w*)/.exec(line);
    if (marker) {
      fence = fence === undefined ? (marker[1] ?? '') : undefined;
      continue;
    }
    if (fence !== undefined) {
      if (['sh', 'bash', 'shell', ''].includes(fence)) found.push(line.trim());
    } else for (const span of line.matchAll(/`([^`]+)`/g)) found.push((span[1] ?? '').trim());
  }
  return found;
}

describe.each(readmes())('%s', (file) => {
  it('runs pnpm as `npx -y pnpm@10`, never bare', () => {
    const bare = commands(readFileSync(join(root, file), 'utf8')).filter((command) =>
      /(^|&&|\|\||;|\|)\s*pnpm\s/.test(command),
    );
    expect(bare, `bare pnpm in ${file}`).toEqual([]);
  });
});
