import { readFile } from 'node:fs/promises';
import { Bm25Index } from './bm25-index.js';
import { documentTitle } from './markdown-heading.js';
import { type ScanFolderOptions, type ScannedFile, scanFolder } from './scan-folder.js';
import { type Passage, splitPassages } from './split-passages.js';
import { tokenizeText } from './text-tokens.js';

/** A passage with the file it comes from. */
export interface IndexedPassage extends Passage {
  /** The file's path relative to the folder, with `/` separators. */
  path: string;
  /** The file's first heading, if it has one. */
  title: string | undefined;
}

/** A search hit: a passage, its score and the offsets of the matched words in its text. */
export interface PassageHit {
  passage: IndexedPassage;
  score: number;
  /** Offsets in `passage.text` of words matching a query term. */
  matchOffsets: number[];
}

/** A snapshot of the folder: its files, their passages and the BM25 index over them. */
interface IndexState {
  signature: string;
  files: Map<string, { file: ScannedFile; passages: IndexedPassage[] }>;
  passages: IndexedPassage[];
  index: Bm25Index;
  truncated: boolean;
}

/** Options of {@link DocumentIndex}. */
export interface DocumentIndexOptions extends ScanFolderOptions {
  /** The target passage size in characters. */
  passageChars: number;
}

const fileKey = (f: ScannedFile): string => `${f.path}\0${f.mtimeMs}\0${f.size}`;

/**
 * BM25 search over the text files of a folder, built on first use and kept current: every
 * search lists the folder again (file metadata only) and re-reads just the files whose
 * modification time or size changed, or that appeared; removed files drop out.
 */
export class DocumentIndex {
  readonly #options: DocumentIndexOptions;
  #state: IndexState | undefined;
  #refreshing: Promise<IndexState> | undefined;

  /** @param options - The folder, extensions and limits. */
  constructor(options: DocumentIndexOptions) {
    this.#options = options;
  }

  /** Brings the index up to date; concurrent callers share one refresh. */
  refresh(): Promise<IndexState> {
    this.#refreshing ??= this.#rebuild().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #rebuild(): Promise<IndexState> {
    const { files, truncated } = await scanFolder(this.#options);
    const signature = files.map(fileKey).join('\n');
    const previous = this.#state;
    if (previous !== undefined && previous.signature === signature) return previous;

    const next = new Map<string, { file: ScannedFile; passages: IndexedPassage[] }>();
    for (const file of files) {
      const cached = previous?.files.get(file.path);
      if (cached !== undefined && fileKey(cached.file) === fileKey(file)) {
        next.set(file.path, cached);
        continue;
      }
      let content: string;
      try {
        content = await readFile(file.realPath, 'utf8');
      } catch {
        continue; // Removed or unreadable since the scan: left out until the next refresh.
      }
      const passages = splitPassages(content, this.#options.passageChars);
      const title = documentTitle(content);
      next.set(file.path, {
        file,
        passages: passages.map((p) => ({ ...p, path: file.path, title })),
      });
    }
    const passages = [...next.values()].flatMap((entry) => entry.passages);
    const index = new Bm25Index(
      passages.map((p) => {
        // The file name and section heading count as words of the passage.
        const extra = `${p.path.replace(/[/._-]+/g, ' ')} ${p.heading ?? ''}`;
        return tokenizeText(`${extra}\n${p.text}`).map((t) => t.term);
      }),
    );
    this.#state = { signature, files: next, passages, index, truncated };
    return this.#state;
  }

  /**
   * Searches the folder.
   *
   * @param query - Words to look for.
   * @param limit - How many passages at most.
   * @param perFile - How many passages of one file at most.
   */
  async search(
    query: string,
    limit: number,
    perFile: number,
  ): Promise<{ hits: PassageHit[]; fileCount: number; truncated: boolean; queryTerms: number }> {
    const state = await this.refresh();
    const terms = tokenizeText(query).map((t) => t.term);
    const wanted = new Set(terms);
    const hits: PassageHit[] = [];
    const perPath = new Map<string, number>();
    for (const { doc, score } of state.index.search(terms)) {
      const passage = state.passages[doc] as IndexedPassage;
      const used = perPath.get(passage.path) ?? 0;
      if (used >= perFile) continue;
      perPath.set(passage.path, used + 1);
      const matchOffsets = tokenizeText(passage.text)
        .filter((t) => wanted.has(t.term))
        .map((t) => t.offset);
      hits.push({ passage, score, matchOffsets });
      if (hits.length >= limit) break;
    }
    return {
      hits,
      fileCount: state.files.size,
      truncated: state.truncated,
      queryTerms: wanted.size,
    };
  }
}
