import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** A file found by {@link scanFolder}. */
export interface ScannedFile {
  /** The path relative to the folder, with `/` separators. */
  path: string;
  /** The real absolute path (symlinks resolved). */
  realPath: string;
  /** Last modification time, in ms. */
  mtimeMs: number;
  /** Size in bytes. */
  size: number;
}

/** What {@link scanFolder} needs. */
export interface ScanFolderOptions {
  /** The folder. */
  dir: string;
  /** Lower-case extensions with their dot (`.md`). */
  extensions: ReadonlySet<string>;
  /** Stop after this many files. */
  maxFiles: number;
  /** Skip files larger than this many bytes. */
  maxFileBytes: number;
  /** Relative paths (files or folders) to leave out. */
  excluded?: ((path: string) => boolean) | undefined;
}

/** What {@link scanFolder} found. */
export interface ScanFolderResult {
  /** The files, sorted by path. */
  files: ScannedFile[];
  /** Whether `maxFiles` stopped the scan. */
  truncated: boolean;
}

/** Whether `child` is `root` or inside it (both real paths). */
const isInside = (root: string, child: string): boolean =>
  child === root || child.startsWith(root.endsWith(sep) ? root : root + sep);

/** Folders never worth searching. */
const SKIPPED_FOLDERS = new Set(['node_modules']);

/**
 * Lists the files of a folder, recursively, whose extension is in `extensions`. Hidden entries
 * (a leading dot) and `node_modules` are skipped. A symlink is followed only when its target is
 * inside the folder, so no path found ever escapes it; each real file and folder is visited once,
 * which also ends symlink loops.
 */
export async function scanFolder({
  dir,
  extensions,
  maxFiles,
  maxFileBytes,
  excluded = () => false,
}: ScanFolderOptions): Promise<ScanFolderResult> {
  const root = await realpath(dir);
  const files: ScannedFile[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>([root]);
  // Each entry: the real folder to read and its path relative to the root as the user sees it.
  const queue: Array<{ real: string; shown: string }> = [{ real: root, shown: '' }];
  let truncated = false;

  while (queue.length > 0 && !truncated) {
    const { real: folder, shown } = queue.shift() as { real: string; shown: string };
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      continue; // A folder that vanished or cannot be read is skipped, not fatal.
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || SKIPPED_FOLDERS.has(entry.name)) continue;
      const full = join(folder, entry.name);
      const shownPath = shown === '' ? entry.name : `${shown}/${entry.name}`;
      if (excluded(shownPath)) continue;
      let target = full;
      if (entry.isSymbolicLink()) {
        try {
          target = await realpath(full);
        } catch {
          continue; // A dangling link.
        }
        if (!isInside(root, target)) continue;
      }
      let info: Awaited<ReturnType<typeof stat>>;
      try {
        info = await stat(target);
      } catch {
        continue;
      }
      if (info.isDirectory()) {
        if (seenDirs.has(target)) continue;
        seenDirs.add(target);
        queue.push({ real: target, shown: shownPath });
        continue;
      }
      if (!info.isFile() || seenFiles.has(target)) continue;
      const dot = entry.name.lastIndexOf('.');
      const extension = dot > 0 ? entry.name.slice(dot).toLowerCase() : '';
      if (!extensions.has(extension) || info.size > maxFileBytes) continue;
      seenFiles.add(target);
      files.push({ path: shownPath, realPath: target, mtimeMs: info.mtimeMs, size: info.size });
      if (files.length >= maxFiles) {
        truncated = true;
        break;
      }
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, truncated };
}
