import { trimTrailingSlashes } from '../shared/trim-trailing-slashes.js';

/**
 * Turns `exclude` patterns into a test on relative paths (with `/` separators). A pattern is a
 * path relative to the searched folder, where `*` matches within one path segment, `**` across
 * segments and `?` one character. A pattern matches a path and everything under it, so
 * `test` excludes the folder `test/` and all it holds.
 *
 * @example
 * ```ts
 * const excluded = excludeMatcher(['test', '**\/fixtures', 'drafts/*.md']);
 * excluded('test/a.md');           // true
 * excluded('docs/fixtures/b.md');  // true
 * excluded('drafts/x.md');         // true
 * excluded('docs/guide.md');       // false
 * ```
 */
export function excludeMatcher(patterns: readonly string[]): (path: string) => boolean {
  if (patterns.length === 0) return () => false;
  const regexes = patterns.map((pattern) => new RegExp(`^${toRegexSource(pattern)}(?:/.*)?$`));
  return (path) => regexes.some((regex) => regex.test(path));
}

function toRegexSource(pattern: string): string {
  const trimmed = trimTrailingSlashes(pattern.replace(/^\.\//, ''));
  let source = '';
  for (let i = 0; i < trimmed.length; i += 1) {
    const char = trimmed[i] as string;
    if (char === '*' && trimmed[i + 1] === '*') {
      // `**/` also matches no folder at all, so `**/fixtures` matches `fixtures` at the top.
      const slash = trimmed[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return source;
}
