import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod/v4';
import { tool } from '../../tool.js';
import type { Tool } from '../../types.js';
import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import { type BuiltinToolOptions, invalidOption, positiveInt } from '../shared/factory-options.js';
import { DocumentIndex } from './document-index.js';
import { excludeMatcher } from './exclude-paths.js';
import { makeSnippet } from './make-snippet.js';

/** Options of {@link localSearchTool}. */
export interface LocalSearchToolOptions extends BuiltinToolOptions {
  /** The folder to search (resolved against the working directory). */
  dir: string;
  /** File extensions to index, with or without the dot. @default ['.md', '.markdown', '.txt'] */
  extensions?: readonly string[] | undefined;
  /** Passages returned when the model does not ask for a number. @default 5 */
  maxResults?: number | undefined;
  /** At most this many passages of the same file per search. @default 2 */
  maxPerFile?: number | undefined;
  /** Length of each snippet, in characters. @default 400 */
  snippetChars?: number | undefined;
  /** Index at most this many files. @default 10000 */
  maxFiles?: number | undefined;
  /** Skip files larger than this many bytes. @default 2000000 */
  maxFileBytes?: number | undefined;
  /**
   * Paths to leave out, relative to `dir`: a folder excludes all it holds; `*` matches within a
   * path segment, `**` across segments (`['test', '**\/drafts', 'notes/*.txt']`). Hidden entries
   * and `node_modules` are always left out.
   * @default []
   */
  exclude?: readonly string[] | undefined;
}

/** The arguments of the local search tool. */
export interface LocalSearchArgs {
  /** Words to look for. */
  query: string;
  /** How many passages to return. */
  maxResults?: number | undefined;
}

/** One ranked passage. */
export interface LocalSearchHit {
  /** The file, relative to the searched folder, `/`-separated. */
  path: string;
  /** The 1-based line where the passage starts. */
  line: number;
  /** The file's first heading, if any. */
  title: string | undefined;
  /** The markdown section heading of the passage, if any. */
  section: string | undefined;
  /** The BM25 score, rounded to 3 decimals (higher is better). */
  score: number;
  /** The passage around the matched words. */
  snippet: string;
}

/** What the local search tool returns. */
export interface LocalSearchResult {
  /** The query as searched. */
  query: string;
  /** The passages, best first. */
  results: LocalSearchHit[];
  /** How many files are indexed. */
  filesSearched: number;
  /** A hint when nothing matched or the folder was too large to index fully. */
  note?: string | undefined;
}

/**
 * A tool that searches the text and markdown files of a folder with BM25 ranking and returns
 * the best passages with their relative paths and line numbers, so the model can cite them.
 *
 * Nothing happens at creation except checking that `dir` is a folder: the index is built on the
 * first call. Each call then lists the folder again (file metadata only) and re-reads only the
 * files that changed (modification time or size), appeared or disappeared. Hidden files and
 * folders and `node_modules` are skipped; a symlink is followed only when its target is inside
 * `dir`, so no result ever comes from outside it.
 *
 * @param options - `dir` and limits; `name` (default `search_documents`), `description`.
 * @returns The tool.
 * @throws BuiltinToolError `invalid_config` when `dir` is not a folder or a limit is wrong.
 * @example
 * ```ts
 * const agent = new Agent({ name: 'docs', model, tools: [localSearchTool({ dir: './docs' })] });
 * ```
 */
export function localSearchTool(
  options: LocalSearchToolOptions,
): Tool<LocalSearchArgs, LocalSearchResult> {
  const factory = 'localSearchTool';
  if (typeof options?.dir !== 'string' || options.dir === '') {
    invalidOption(
      factory,
      'dir',
      'expected dir to be the path of a folder to search, received none.',
    );
  }
  const dir = resolve(options.dir);
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    isDirectory = false;
  }
  if (!isDirectory) {
    invalidOption(
      factory,
      'dir',
      `expected dir to be an existing folder, but "${dir}" is not one. Create it or fix the path.`,
    );
  }
  const extensions = new Set(
    (options.extensions ?? ['.md', '.markdown', '.txt']).map((e) =>
      (e.startsWith('.') ? e : `.${e}`).toLowerCase(),
    ),
  );
  if (extensions.size === 0)
    invalidOption(factory, 'extensions', 'expected at least one extension.');
  const defaultResults = positiveInt(factory, 'maxResults', options.maxResults, 5);
  const maxPerFile = positiveInt(factory, 'maxPerFile', options.maxPerFile, 2);
  const snippetChars = positiveInt(factory, 'snippetChars', options.snippetChars, 400);
  const exclude = options.exclude ?? [];
  if (!Array.isArray(exclude) || exclude.some((p) => typeof p !== 'string' || p.trim() === '')) {
    invalidOption(
      factory,
      'exclude',
      'expected exclude to be an array of non-empty path patterns.',
    );
  }
  const index = new DocumentIndex({
    dir,
    extensions,
    excluded: excludeMatcher(exclude),
    maxFiles: positiveInt(factory, 'maxFiles', options.maxFiles, 10_000),
    maxFileBytes: positiveInt(factory, 'maxFileBytes', options.maxFileBytes, 2_000_000),
    passageChars: Math.max(snippetChars * 2, 800),
  });
  const name = options.name ?? 'search_documents';
  const kinds = [...extensions].join(', ');

  return tool({
    name,
    description:
      options.description ??
      `Searches a local folder of documents (${kinds} files) by keywords and returns the most relevant passages, best first, each with its file path and line so you can cite it. Use specific keywords; if nothing matches, try synonyms or fewer words.`,
    parameters: z.object({
      query: z
        .string()
        .min(1)
        .describe('Keywords to search for, e.g. "configure retries backoff".'),
      maxResults: z
        .number()
        .int()
        .min(1)
        .max(20)
        .optional()
        .describe(`How many passages to return (1-20). Default: ${defaultResults}.`),
    }),
    execute: async ({ query, maxResults }): Promise<LocalSearchResult> => {
      let found: Awaited<ReturnType<DocumentIndex['search']>>;
      try {
        found = await index.search(query, maxResults ?? defaultResults, maxPerFile);
      } catch (error) {
        throw new BuiltinToolError(
          `Could not read the documents folder: ${error instanceof Error ? error.message : String(error)}. The folder may have been moved or deleted.`,
          { code: 'io_error', toolName: name, cause: error },
        );
      }
      const results = found.hits.map(({ passage, score, matchOffsets }) => ({
        path: passage.path,
        line: passage.line,
        title: passage.title,
        section: passage.heading,
        score: Math.round(score * 1000) / 1000,
        snippet: makeSnippet(passage.text, matchOffsets, snippetChars),
      }));
      let note: string | undefined;
      if (found.fileCount === 0) note = `The folder holds no ${kinds} files to search.`;
      else if (found.queryTerms === 0)
        note = 'The query has no searchable words (only stop words or symbols). Use content words.';
      else if (results.length === 0)
        note = `No passage matched "${query}". Try synonyms, other spellings or fewer words.`;
      else if (found.truncated)
        note = 'The folder has more files than the index limit; some files were not searched.';
      return { query, results, filesSearched: found.fileCount, ...(note ? { note } : {}) };
    },
  });
}
