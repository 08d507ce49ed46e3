import { describe, expect, it } from 'vitest';
import { excludeMatcher } from '../../../packages/tools/src/builtin/local-search/exclude-paths.js';

describe('excludeMatcher', () => {
  const excluded = excludeMatcher(['test', '**/fixtures', 'drafts/*.md', './notes/', 'a?c']);
  it.each([
    ['test', true],
    ['test/a.md', true],
    ['testing/a.md', false],
    ['fixtures/x.md', true],
    ['docs/fixtures/b.md', true],
    ['docs/fixtures-old/b.md', false],
    ['drafts/x.md', true],
    ['drafts/deep/x.md', false],
    ['drafts/x.txt', false],
    ['notes/n.txt', true],
    ['abc', true],
    ['a.c', true],
    ['a/c', false],
    ['docs/guide.md', false],
  ])('%s → %s', (path, expected) => {
    expect(excluded(path)).toBe(expected);
  });

  it('matches nothing without patterns, and treats regex characters literally', () => {
    expect(excludeMatcher([])('anything')).toBe(false);
    expect(excludeMatcher(['a+b'])('aab')).toBe(false);
    expect(excludeMatcher(['a+b'])('a+b')).toBe(true);
  });
});
