import { trimTrailingSlashes } from '../shared/trim-trailing-slashes.js';

/**
 * Turns `exclude` patterns into a test on relative paths (with `/` separators). A pattern is a
 * path relative to the searched folder, where `*` matches within one path segment, `**` across
 * segments and `?` one character. A pattern matches a path and everything under it, so
 * `test` excludes the folder `test/` and all it holds (a name with a line break in it too).
 * Matching takes time linear in the path, whatever the pattern.
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
  const matchers = patterns.map((pattern) => globMatcher(tokenize(pattern)));
  return (path) => matchers.some((matches) => matches(path));
}

/** One step of a pattern. */
type Token =
  /** A character to match as it is. */
  | { kind: 'char'; code: number }
  /** `?`: one character other than `/`. */
  | { kind: 'one' }
  /** `*`: any run of characters other than `/`. */
  | { kind: 'star' }
  /** `**` not followed by `/`: any run of characters. */
  | { kind: 'globstar' }
  /** `**\/`: nothing, or any run of characters ending with `/`. */
  | { kind: 'globdir' };

const SLASH = 0x2f;

function tokenize(pattern: string): Token[] {
  const trimmed = trimTrailingSlashes(pattern.startsWith('./') ? pattern.slice(2) : pattern);
  const tokens: Token[] = [];
  for (let i = 0; i < trimmed.length; i += 1) {
    const char = trimmed[i] as string;
    if (char === '*' && trimmed[i + 1] === '*') {
      // `**/` also matches no folder at all, so `**/fixtures` matches `fixtures` at the top.
      const slash = trimmed[i + 2] === '/';
      tokens.push({ kind: slash ? 'globdir' : 'globstar' });
      i += slash ? 2 : 1;
    } else if (char === '*') {
      tokens.push({ kind: 'star' });
    } else if (char === '?') {
      tokens.push({ kind: 'one' });
    } else {
      tokens.push({ kind: 'char', code: trimmed.charCodeAt(i) });
    }
  }
  return tokens;
}

/**
 * Matches a whole path against the tokens, and everything under a matching path. It follows
 * every way of matching at once (the states of an automaton), so the time is the path length
 * times the pattern length: a regex with several `*` backtracked, taking seconds on one long
 * file name.
 *
 * States: `i` (0 to n) is "the first i tokens matched"; `n + 1 + i` is "inside the `**\/` of
 * token i, waiting for a `/`"; `2n + 1` is "the pattern matched and a `/` followed".
 */
function globMatcher(tokens: readonly Token[]): (path: string) => boolean {
  const n = tokens.length;
  const under = 2 * n + 1;
  const size = 2 * n + 2;
  // The steps that consume no character, all forward, so one pass in order closes a set.
  const close = (states: Uint8Array): void => {
    for (let i = 0; i < n; i += 1) {
      if (states[i] === 0) continue;
      const kind = (tokens[i] as Token).kind;
      if (kind === 'star' || kind === 'globstar' || kind === 'globdir') states[i + 1] = 1;
      if (kind === 'globdir') states[n + 1 + i] = 1;
    }
  };
  return (path) => {
    let current = new Uint8Array(size);
    let next = new Uint8Array(size);
    current[0] = 1;
    close(current);
    for (let at = 0; at < path.length; at += 1) {
      const code = path.charCodeAt(at);
      next.fill(0);
      let any = false;
      for (let i = 0; i < n; i += 1) {
        if (current[i] === 1) {
          const token = tokens[i] as Token;
          if (token.kind === 'char') {
            if (code === token.code) next[i + 1] = 1;
          } else if (token.kind === 'one') {
            if (code !== SLASH) next[i + 1] = 1;
          } else if (token.kind === 'star') {
            if (code !== SLASH) next[i] = 1;
          } else if (token.kind === 'globstar') {
            next[i] = 1;
          }
        }
        if (current[n + 1 + i] === 1) {
          next[n + 1 + i] = 1;
          if (code === SLASH) next[i + 1] = 1;
        }
      }
      if ((current[n] === 1 && code === SLASH) || current[under] === 1) next[under] = 1;
      close(next);
      for (let s = 0; s < size && !any; s += 1) any = next[s] === 1;
      if (!any) return false;
      [current, next] = [next, current];
    }
    return current[n] === 1 || current[under] === 1;
  };
}
