/**
 * Text the tools read from outside (a fetched page, a search snippet, a file being indexed) is
 * scanned in linear time: a hostile input four times larger takes about four times longer, never
 * the 16x or 64x of a backtracking regex (which would freeze the process for seconds, where no
 * timeout can fire). Normal documents give exactly what the former regexes gave.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { classifyAddress, localSearchTool, searxngBackend } from '@agentloop/tools/builtin';
import { afterEach, describe, expect, it } from 'vitest';
import { isIpLiteral } from '../../../packages/tools/src/builtin/http-get/ip-address.js';
import { excludeMatcher } from '../../../packages/tools/src/builtin/local-search/exclude-paths.js';
import { documentTitle } from '../../../packages/tools/src/builtin/local-search/markdown-heading.js';
import { splitPassages } from '../../../packages/tools/src/builtin/local-search/split-passages.js';
import { htmlToText, stripTags } from '../../../packages/tools/src/builtin/shared/html-text.js';
import { toolContext } from './local-server.js';

/** How long one run takes, in ms. */
function timed(run: () => unknown): number {
  const start = performance.now();
  run();
  return performance.now() - start;
}

/**
 * Asserts that `run` on an input four times larger than `size` takes less than ten times longer
 * (linear gives about 4x; quadratic 16x; cubic 64x), taking the fastest of a few runs, the least
 * disturbed by other work on the machine. Under `floorMs` for the large input, timer noise
 * outweighs the ratio and being that quick is proof enough: a backtracking scan of the large
 * input takes seconds. The large input is timed first, so a regression costs only a few runs.
 */
function expectLinear(run: (size: number) => unknown, size: number, floorMs = 250): void {
  run(size); // Warm up, so compilation is not timed.
  let large = timed(() => run(size * 4));
  if (large < floorMs) return;
  large = Math.min(
    large,
    timed(() => run(size * 4)),
  );
  let small = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i += 1)
    small = Math.min(
      small,
      timed(() => run(size)),
    );
  expect(
    large,
    `${size}: ${small.toFixed(1)} ms, ${size * 4}: ${large.toFixed(1)} ms`,
  ).toBeLessThan(10 * small);
}

describe('htmlToText and stripTags scan in linear time', () => {
  it.each([
    ['"<" repeated', '<'],
    ['unclosed comments', '<!--'],
    ['unclosed scripts', '<script'],
    ['unclosed styles with a body', '<style>x'],
    ['unclosed line breaks', '<br'],
    ['unclosed block tags', '<p'],
    ['unclosed closing block tags', '</div'],
    ['closing tags with no end', '</script '],
    ['entities that never end', '&#x0'],
    ['spaces before a line break', '   '],
  ])('%s', (_label, unit) => {
    // 100,000 characters for the large input: a backtracking regex needs seconds for it.
    const count = Math.round(25_000 / unit.length);
    expectLinear((n) => htmlToText(unit.repeat(n)), count);
  });

  it('stripTags on a snippet of "<"', () => {
    expectLinear((n) => stripTags('<'.repeat(n)), 25_000);
  });

  it('a 99 KB page of "<" is turned into text at once', () => {
    expect(timed(() => htmlToText('<'.repeat(99_000)))).toBeLessThan(1_000);
  });
});

describe('markdown headings are parsed in linear time', () => {
  // "# a", a run of spaces, then more text: the former heading patterns were cubic in the run
  // (their lazy text, the whitespace and the closing hashes could split it every which way).
  const heading = (spaces: number) => `# a${' '.repeat(spaces)}b`;

  it('splitPassages on "# a", a run of spaces and a word', () => {
    expectLinear((n) => splitPassages(heading(n), 1_000), 300);
  });

  it('documentTitle on the same, and on whitespace lines after "#"', () => {
    expectLinear((n) => documentTitle(heading(n)), 300);
    expectLinear((n) => documentTitle(`#${' \n'.repeat(n)}x`), 300);
  });

  const temps: string[] = [];
  afterEach(() => {
    for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('localSearchTool indexes such a file at once', async () => {
    const timeIndexing = async (spaces: number): Promise<number> => {
      const dir = mkdtempSync(join(tmpdir(), 'agentloop-linear-'));
      temps.push(dir);
      writeFileSync(join(dir, 'heading.md'), `${heading(spaces)}\n\nsome body text`);
      const tool = localSearchTool({ dir });
      const start = performance.now();
      const { results } = await tool.execute({ query: 'body text' }, toolContext());
      const elapsed = performance.now() - start;
      expect(results[0]?.section).toBe(heading(spaces).slice(2));
      return elapsed;
    };
    await timeIndexing(300);
    const small = await timeIndexing(300);
    // 1,200 spaces: the former patterns took seconds to index this 1.2 KB file.
    const large = await timeIndexing(1_200);
    expect(large).toBeLessThan(Math.max(10 * small, 250));
  });
});

describe('addresses, patterns and URLs are trimmed in linear time', () => {
  // 10,000 and 40,000 characters: a trailing-match regex (`/%.*$/`, `/\/+$/`) retried from
  // each "%" or "/" takes seconds for the larger.
  it('an address of "%" and a line break', () => {
    expectLinear((n) => classifyAddress(`${'%'.repeat(n)}\n`), 10_000);
    expectLinear((n) => isIpLiteral(`${'%'.repeat(n)}\n`), 10_000);
    expect(classifyAddress('fe80::1%eth0')).toBe('link-local');
    expect(isIpLiteral('[fe80::1%25eth0]')).toBe(true);
    expect(isIpLiteral('fe80::1%\n')).toBe(false);
  });

  it('an exclude pattern and a base URL with a long run of slashes', () => {
    expectLinear((n) => excludeMatcher([`docs${'/'.repeat(n)}x`]), 10_000);
    expect(excludeMatcher(['drafts///'])('drafts/a.md')).toBe(true);
    expectLinear(
      (n) => searxngBackend({ baseUrl: `https://search.test/${'/'.repeat(n)}x` }),
      10_000,
    );
  });
});

describe('exclude patterns match in time linear in the path', () => {
  it.each([
    ['*a*a*a*b', 'a', 'c', 100],
    ['**/*a*a*b', 'a', 'c', 500],
    ['**/x/**/y/**/z', 'x/y/', 'q', 300],
  ])('%s on a long path that does not match', (pattern, unit, tail, size) => {
    const excluded = excludeMatcher([pattern]);
    // The former regexes took seconds for the path four times `size` units long.
    expectLinear((n) => excluded(`${unit.repeat(n)}${tail}`), size);
  });

  it('excludes what is under an excluded folder even when a name holds a line break', () => {
    // The former `(?:/.*)?$` stopped at a line break, so such a file slipped through.
    expect(excludeMatcher(['test'])('test/a\nb.md')).toBe(true);
    expect(excludeMatcher(['**/fixtures'])('x\ny/fixtures/c.md')).toBe(true);
  });

  it('gives what the former regexes gave on paths built of names, slashes and wildcards', () => {
    const former = (patterns: string[]) => {
      const regexes = patterns.map((pattern) => {
        const trimmed = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
        let source = '';
        for (let i = 0; i < trimmed.length; i += 1) {
          const char = trimmed[i] as string;
          if (char === '*' && trimmed[i + 1] === '*') {
            const slash = trimmed[i + 2] === '/';
            source += slash ? '(?:.*/)?' : '.*';
            i += slash ? 2 : 1;
          } else if (char === '*') source += '[^/]*';
          else if (char === '?') source += '[^/]';
          else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
        }
        return new RegExp(`^${source}(?:/.*)?$`);
      });
      return (path: string) => regexes.some((regex) => regex.test(path));
    };
    const patternParts = ['a', 'b', '.', '/', '*', '**', '**/', '?', './', '+', 'x.md'];
    const pathParts = ['a', 'b', '.', '/', 'x.md', 'ab', '+', 'é'];
    const next = random(3);
    for (let round = 0; round < 3_000; round += 1) {
      let pattern = '';
      for (let i = Math.floor(next() * 6) + 1; i > 0; i -= 1) pattern += pick(next, patternParts);
      const mine = excludeMatcher([pattern]);
      const theirs = former([pattern]);
      for (let k = 0; k < 5; k += 1) {
        let path = '';
        for (let i = Math.floor(next() * 8) + 1; i > 0; i -= 1) path += pick(next, pathParts);
        expect(mine(path), `${JSON.stringify(pattern)} on ${JSON.stringify(path)}`).toBe(
          theirs(path),
        );
      }
    }
  });
});

/** The former regex pipeline, as the reference for normal documents. */
function formerHtmlToText(html: string): string {
  const decode = (text: string) =>
    text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', nbsp: ' ' };
      if (body[0] === '#') {
        const code =
          body[1] === 'x' || body[1] === 'X'
            ? Number.parseInt(body.slice(2), 16)
            : Number.parseInt(body.slice(1), 10);
        return Number.isInteger(code) && code > 0 && code <= 0x10ffff
          ? String.fromCodePoint(code)
          : whole;
      }
      return named[body.toLowerCase()] ?? whole;
    });
  return decode(
    html
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<(script|style|noscript|template|svg)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<(br|hr)\b[^>]*>/gi, '\n')
      .replace(
        /<\/?(p|div|section|article|header|footer|li|ul|ol|tr|table|h[1-6]|pre|blockquote|title)\b[^>]*>/gi,
        '\n',
      )
      .replace(/<[^>]*>/g, ''),
  )
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
const FORMER_HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const FORMER_TITLE = /^ {0,3}#\s+(.+?)\s*#*\s*$/m;

/** A small deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}
const pick = <T>(next: () => number, items: readonly T[]): T =>
  items[Math.floor(next() * items.length)] as T;

describe('normal documents give what the former regexes gave', () => {
  it('htmlToText on pages built of real tags, comments, scripts and entities', () => {
    const parts = [
      '<p>',
      '</p>',
      '<P class="x">',
      '<div>',
      '</DIV >',
      '<br>',
      '<br/>',
      '<BR />',
      '<hr>',
      '<h1>',
      '</h2>',
      '<pre>',
      '<p_x>',
      '<preview>',
      '<h7>',
      '<span>',
      '</span>',
      '<a href="/x">',
      '<!-- note -->',
      '<!--',
      '-->',
      '<script>',
      '</script>',
      '</SCRIPT >',
      '</script\n>',
      '<script type="x">',
      '<scripts>',
      '<style>',
      '</style>',
      '<svg>',
      '</svg>',
      '<template>',
      '</template>',
      '<noscript>',
      '</noscript>',
      '&amp;',
      '&#39;',
      '&#x2F;',
      '&bogus;',
      'text',
      'more words',
      ' ',
      '  ',
      '\n',
      '\n\n\n',
      '\t',
      '\u00a0',
      '<',
      '>',
      '/',
      '</',
      'İ',
    ];
    const next = random(7);
    for (let page = 0; page < 3_000; page += 1) {
      let html = '';
      const length = 1 + Math.floor(next() * 30);
      for (let i = 0; i < length; i += 1) html += pick(next, parts);
      expect(htmlToText(html), JSON.stringify(html)).toBe(formerHtmlToText(html));
    }
  });

  it('headings and titles on lines built of hashes, spaces and text', () => {
    const parts = [
      '#',
      '##',
      '#######',
      ' ',
      '   ',
      '\t',
      '\u00a0',
      'a',
      'Title',
      ' # ',
      '\u2028',
      '\n',
    ];
    const next = random(11);
    for (let doc = 0; doc < 5_000; doc += 1) {
      let text = '';
      const length = 1 + Math.floor(next() * 10);
      for (let i = 0; i < length; i += 1) text += pick(next, parts);
      for (const line of text.split('\n')) {
        const former = FORMER_HEADING.exec(line);
        const passages = splitPassages(line, 1_000);
        const expected = former ? former[2] || undefined : undefined;
        const heading = former ? passages[0]?.heading : passages.find((p) => p.heading)?.heading;
        expect(heading, JSON.stringify(line)).toBe(expected);
      }
      if (!/^ {0,3}#\s*$/m.test(text)) {
        // Without a bare "#" line (whose former title came from the lines after it).
        expect(documentTitle(text), JSON.stringify(text)).toBe(FORMER_TITLE.exec(text)?.[1]);
      }
    }
  });
});
