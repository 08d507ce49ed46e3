import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ToolRegistry } from '@agentloop/tools';
import { BuiltinToolError, localSearchTool } from '@agentloop/tools/builtin';
import { afterEach, describe, expect, it } from 'vitest';
import { Bm25Index } from '../../../packages/tools/src/builtin/local-search/bm25-index.js';
import { splitPassages } from '../../../packages/tools/src/builtin/local-search/split-passages.js';
import { tokenizeText } from '../../../packages/tools/src/builtin/local-search/text-tokens.js';
import { toolContext } from './local-server.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/docs');
const search = localSearchTool({ dir: FIXTURES });
const ask = (query: string, maxResults?: number) =>
  search.execute(maxResults === undefined ? { query } : { query, maxResults }, toolContext());

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'agentloop-search-'));
  temps.push(dir);
  return dir;
};

describe('localSearchTool on the fixture corpus', () => {
  it.each([
    ['retry backoff jitter', 'guides/retries.md', 'Exponential backoff with jitter'],
    ['streaming backpressure high-water mark', 'guides/streaming.md', 'Backpressure'],
    ['token budget trimming', 'guides/memory.md', 'Trimming to the budget'],
    ['install pnpm node', 'getting-started.md', 'Install'],
    ['max_turns_exceeded error code', 'reference/errors.txt', undefined],
    ['garlic pasta', 'notes/cooking.txt', undefined],
  ])('%j ranks %s first', async (query, path, section) => {
    const { results } = await ask(query);
    expect(results[0]?.path).toBe(path);
    expect(results[0]?.section).toBe(section);
    expect(results[0]?.score).toBeGreaterThan(0);
  });

  it('ranks by relevance: scores descend, the off-topic file is absent', async () => {
    const { results, filesSearched } = await ask('retries', 10);
    expect(filesSearched).toBe(6); // .md and .txt only: no .json, nothing hidden.
    const scores = results.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(results.map((r) => r.path)).not.toContain('notes/cooking.txt');
  });

  it('stems: "retrying" and "retried" find the retries guide', async () => {
    expect((await ask('retrying')).results[0]?.path).toBe('guides/retries.md');
    expect((await ask('retried')).results[0]?.path).toBe('guides/retries.md');
  });

  it('returns snippets around the match, with the line the passage starts on', async () => {
    const [hit] = (await ask('jitter spreads retries')).results;
    expect(hit?.snippet).toMatch(/jitter spreads the retries/);
    expect(hit?.snippet.length).toBeLessThanOrEqual(402);
    expect(hit?.title).toBe('Retries and backoff');
    const lines = readFileSync(join(FIXTURES, 'guides/retries.md'), 'utf8').split('\n');
    expect(lines[(hit?.line ?? 0) - 1]).toMatch(/^Each retry waits longer/);
  });

  it('never indexes hidden files or other extensions, and respects the limits', async () => {
    const { results } = await ask('retries backoff jitter streaming pasta hidden json', 20);
    const paths = results.map((r) => r.path);
    expect(paths.some((p) => p.includes('.hidden') || p.endsWith('.json'))).toBe(false);
    expect(results.length).toBeLessThanOrEqual(20);
    const perFile = new Map<string, number>();
    for (const p of paths) perFile.set(p, (perFile.get(p) ?? 0) + 1);
    expect(Math.max(...perFile.values())).toBeLessThanOrEqual(2);
    expect((await ask('retries backoff', 1)).results).toHaveLength(1);
  });

  it('says so when nothing matches or the query has no content words', async () => {
    expect(await ask('xylophone quasar')).toEqual({
      query: 'xylophone quasar',
      results: [],
      filesSearched: 6,
      note: expect.stringMatching(/No passage matched "xylophone quasar"\. Try synonyms/),
    });
    expect((await ask('the of and')).note).toMatch(/no searchable words/);
  });

  it('answers through a registry with a strict schema', async () => {
    const registry = new ToolRegistry([search]);
    expect(registry.toOpenAITools()[0]?.function.strict).toBe(true);
    const outcome = await registry.execute({
      id: 's1',
      name: 'search_documents',
      arguments: '{"query":"backpressure","maxResults":null}',
    });
    expect(outcome.ok).toBe(true);
    expect(outcome.output).toContain('"path":"guides/streaming.md"');
  });
});

describe('localSearchTool keeps its index current', () => {
  it('builds the index on the first call, not at creation', async () => {
    const dir = tempDir();
    const tool = localSearchTool({ dir });
    writeFileSync(
      join(dir, 'late.md'),
      '# Late\n\nA nebula appeared after the tool was created.\n',
    );
    expect((await tool.execute({ query: 'nebula' }, toolContext())).results[0]?.path).toBe(
      'late.md',
    );
  });

  it('sees files added, changed and removed', async () => {
    const dir = tempDir();
    cpSync(FIXTURES, dir, { recursive: true });
    const tool = localSearchTool({ dir });
    const query = (q: string) => tool.execute({ query: q }, toolContext());
    expect((await query('quasar')).results).toEqual([]);

    const file = join(dir, 'notes', 'space.txt');
    writeFileSync(file, 'A quasar is a very bright galactic nucleus.\n');
    expect((await query('quasar')).results[0]?.path).toBe('notes/space.txt');

    writeFileSync(file, 'A pulsar is a rotating neutron star.\n');
    const later = new Date(Date.now() + 5_000);
    utimesSync(file, later, later);
    expect((await query('quasar')).results).toEqual([]);
    expect((await query('pulsar')).results[0]?.path).toBe('notes/space.txt');

    rmSync(file);
    expect((await query('pulsar')).results).toEqual([]);
    expect((await query('backoff')).results[0]?.path).toBe('guides/retries.md');
  });

  it('shares one refresh between concurrent calls', async () => {
    const results = await Promise.all([ask('backpressure'), ask('pasta'), ask('trimming')]);
    expect(results.map((r) => r.results[0]?.path)).toEqual([
      'guides/streaming.md',
      'notes/cooking.txt',
      'guides/memory.md',
    ]);
  });
});

describe('localSearchTool never leaves its folder', () => {
  it('skips symlinks that point outside, follows those inside once, survives loops', async () => {
    const root = tempDir();
    const dir = join(root, 'docs');
    const outside = join(root, 'outside');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.md'), 'exfiltrate the credentials\n');
    writeFileSync(join(dir, 'sub', 'inside.md'), 'a walrus lives here\n');
    symlinkSync(join(outside, 'secret.md'), join(dir, 'link-out.md'));
    symlinkSync(outside, join(dir, 'dir-out'));
    symlinkSync('../../outside/secret.md', join(dir, 'sub', 'relative-out.md'));
    symlinkSync(join(dir, 'sub', 'inside.md'), join(dir, 'alias.md'));
    symlinkSync(dir, join(dir, 'sub', 'loop'));

    const tool = localSearchTool({ dir });
    const leaked = await tool.execute({ query: 'exfiltrate credentials' }, toolContext());
    expect(leaked.results).toEqual([]);
    const inside = await tool.execute({ query: 'walrus' }, toolContext());
    expect(inside.results).toHaveLength(1);
    expect(inside.filesSearched).toBe(1);
    for (const { path } of inside.results) {
      expect(path.startsWith('..') || path.startsWith('/')).toBe(false);
    }
  });

  it('refuses a dir that is not a folder, at creation', () => {
    expect(() => localSearchTool({ dir: join(FIXTURES, 'missing') })).toThrow(BuiltinToolError);
    expect(() => localSearchTool({ dir: join(FIXTURES, 'getting-started.md') })).toThrow(
      /existing folder/,
    );
    expect(() => localSearchTool({ dir: FIXTURES, maxResults: 0 })).toThrow(/maxResults/);
  });
});

describe('search internals', () => {
  it('BM25: rarer terms weigh more, shorter documents win at equal counts', () => {
    const index = new Bm25Index([
      ['apple', 'banana'],
      ['apple', 'cherry', 'date', 'elder', 'fig', 'grape'],
      ['apple', 'banana', 'cherry'],
      ['kiwi'],
    ]);
    expect(index.search(['banana']).map((m) => m.doc)).toEqual([0, 2]);
    const [first, second] = index.search(['apple', 'cherry']);
    expect([first?.doc, second?.doc]).toEqual([2, 1]);
    expect(index.search(['kiwi'])[0]?.score).toBeGreaterThan(
      index.search(['apple'])[0]?.score ?? 0,
    );
    expect(index.search(['mango'])).toEqual([]);
  });

  it('passages follow sections, ignore headings in code fences, and cut long paragraphs', () => {
    const long = Array.from({ length: 120 }, (_, i) => `word${i}`).join(' ');
    const passages = splitPassages(
      `Intro line.\n\n# Title\n\n## Empty\n## Code\n\n\`\`\`\n# not a heading\n\`\`\`\n\n${long}\n`,
      300,
    );
    expect(passages[0]).toEqual({ line: 1, heading: undefined, text: 'Intro line.' });
    expect(passages.find((p) => p.heading === 'Empty')).toEqual({
      line: 5,
      heading: 'Empty',
      text: 'Empty',
    });
    const code = passages.filter((p) => p.heading === 'Code');
    expect(code[0]?.text).toContain('# not a heading');
    expect(code.length).toBeGreaterThan(2);
    expect(code.every((p) => p.text.length <= 300)).toBe(true);
    expect(code.map((p) => p.text).join(' ')).toContain('word119');
  });

  it('tokens: lower-cased, accents and stop words removed, stemmed', () => {
    expect(tokenizeText('The Cafés are retrying: Running 3 queries!').map((t) => t.term)).toEqual([
      'cafe',
      'retry',
      'runn',
      '3',
      'query',
    ]);
  });
});

describe('exclude', () => {
  it('leaves out excluded folders, nested globs and file patterns, and nothing else', async () => {
    const all = await ask('retries', 10);
    expect(all.results.map((r) => r.path)).toContain('guides/retries.md');

    const narrowed = localSearchTool({ dir: FIXTURES, exclude: ['guides', '**/*.txt'] });
    const { results, filesSearched } = await narrowed.execute(
      { query: 'retries', maxResults: 10 },
      toolContext(),
    );
    const paths = results.map((r) => r.path);
    expect(paths.some((p) => p.startsWith('guides/'))).toBe(false);
    expect(paths.some((p) => p.endsWith('.txt'))).toBe(false);
    // Of the six fixture files, the guides folder and the .txt files are gone.
    expect(filesSearched).toBeLessThan(all.filesSearched);
    expect(filesSearched).toBeGreaterThan(0);
  });

  it('refuses a malformed exclude list at creation', () => {
    expect(() => localSearchTool({ dir: FIXTURES, exclude: [''] })).toThrow(/exclude/);
    expect(() => localSearchTool({ dir: FIXTURES, exclude: 'test' as never })).toThrow(/exclude/);
  });
});
