/**
 * The search bot run as a user runs it, offline, on a folder of documents written by the test:
 * the scripted model searches with the question's keywords and answers by quoting the passage
 * found and citing its file, so the answer can only come from the local search tool.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../support/index.js';
import { type ExampleRun, offlineEnv, spawnExample } from './spawn-example.js';

let dir: string;
let run: ExampleRun;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'search-bot-'));
  await mkdir(join(dir, 'animals'));
  await writeFile(
    join(dir, 'animals', 'llamas.md'),
    '# Llamas\n\nLlamas live in the Andes.\n\n## Sounds\n\nLlamas hum when they are anxious or curious, and a mother hums to her cria.\n',
  );
  await writeFile(
    join(dir, 'kettles.md'),
    '# Kettles\n\nA kettle whistles when the water boils.\n',
  );
  await writeFile(join(dir, 'notes.txt'), 'Shopping: oats, coffee, and batteries for the radio.\n');
  run = await spawnExample('examples/search-bot/src/main.ts', ['--dir', dir, 'Why do llamas hum?']);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('search-bot, offline', () => {
  it('exits 0 with an empty stderr', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('searches the folder with the keywords of the question', () => {
    expect(run.stdout).toContain('→ search_documents {"query":"llamas hum"}');
    expect(run.stdout).toMatch(/✓ search_documents \d+ ms {2}\d passages? from 3 files/);
  });

  it('quotes the passage found and cites its file and line', () => {
    expect(run.stdout).toMatch(
      /• animals\/llamas\.md:\d+ \(Sounds\): "Llamas hum when they are anxious/,
    );
    expect(run.stdout).toMatch(/cited: animals\/llamas\.md\n/);
    expect(run.stdout).not.toMatch(/cited:.*kettles/);
  });

  it('explains a folder that does not exist, on stderr, with exit code 2', async () => {
    const missing = await spawnExample('examples/search-bot/src/main.ts', [
      '--dir',
      join(dir, 'nope'),
      'anything',
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/expected dir to be an existing folder/);
  });
});

describe('search-bot on an OpenAI-compatible server (OPENAI_BASE_URL)', () => {
  it("sends the search tool in a form the API accepts and lists the files the model's answer cites", async () => {
    const server = await startTestServer({ apiKey: 'test-key' });
    try {
      server.reply(
        {
          toolCalls: [
            { name: 'search_documents', arguments: { query: 'llama hum', maxResults: null } },
          ],
        },
        { content: 'They hum when anxious or curious (animals/llamas.md:7).' },
      );
      const found = await spawnExample(
        'examples/search-bot/src/main.ts',
        ['--dir', dir, 'Why do llamas hum?'],
        offlineEnv({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key' }),
      );
      expect(found.stderr).toBe('');
      expect(found.code).toBe(0);
      expect(server.requests.every((r) => r.rejected === undefined)).toBe(true);
      const tool = server.requests[1]?.body.messages.find((m) => m.role === 'tool');
      expect(String(tool?.content)).toContain('Llamas hum when they are anxious');
      expect(found.stdout).toMatch(/cited: animals\/llamas\.md\n/);
    } finally {
      await server.close();
    }
  });
});
