import * as fs from 'fs';
import * as path from 'path';
import { SkippedFile } from '../coverage/model';
import { decodeRuleText } from '../rules/decodeRuleText';
import { MAX_RULE_FILE_BYTES } from '../rules/fileSize';
import { RuleFormat } from '../rules/types';
import { readRegularFile, specialFileKind } from './readRegularFile';

// The CLI's file walk: what the extension gets from findFiles + workspace.fs, done with Node's
// fs. Follows symlinks, but visits each real directory once (a loop is reported, not followed).
// FIFOs, sockets and devices are never opened: named or with a rule extension, they are skipped with their kind.

/** Extensions picked up when walking a directory; a file named explicitly is always taken. */
const RULE_EXTENSIONS: readonly string[] = ['.yml', '.yaml', '.toml', '.yaral', '.yara-l', '.yaraL', '.yl2'];
/** Directory names never descended into (the defaults of attackLens.coverage.exclude). */
const SKIPPED_DIRECTORIES: readonly string[] = ['node_modules', '.git'];

export interface FoundFile {
  readonly path: string;
  /** `yaral` for YARA-L extensions, otherwise `auto` (the parser recognises the format); `check --settings` may name any format. */
  readonly treatment: RuleFormat | 'auto';
  /** attackLens.generic.idPattern, compiled, for a `generic` file (undefined: the built-in pattern). */
  readonly genericPattern?: RegExp;
  /** The parent of the path given on the command line it was found under (with a trailing separator). */
  readonly root?: string;
}

export interface WalkResult {
  readonly files: FoundFile[];
  readonly skipped: SkippedFile[];
  /** Paths given that do not exist. */
  readonly missing: string[];
}

export function treatmentForPath(p: string): 'auto' | 'yaral' {
  return /\.(yaral|yara-l|yaraL|yl2)$/.test(p) ? 'yaral' : 'auto';
}

/** Whether a file found in a folder is taken by default: it has a rule extension. */
export function hasRuleExtension(p: string): boolean {
  return RULE_EXTENSIONS.some((x) => p.endsWith(x));
}

interface LinkedFolder {
  readonly path: string;
  readonly real: string;
  /** The real path of the folder the link sits in. */
  readonly parentReal: string;
  readonly root: string;
}

/**
 * Every rule file under the given paths, each once, in a stable (sorted) order. Symlinked
 * folders are entered after every real folder, unless they lead back up (a loop) or to a folder
 * scanned already (its rules would count twice): both are reported as skipped.
 */
export function walkRuleFiles(paths: readonly string[], isRuleFile: (p: string) => boolean = hasRuleExtension): WalkResult {
  const files = new Map<string, FoundFile>();
  const skipped: SkippedFile[] = [];
  const missing: string[] = [];
  const visitedDirs = new Set<string>();
  const links: LinkedFolder[] = [];
  let root = '';

  // Keyed by real path: `rules` and `/abs/rules/a.yml` on one command line name one file, counted once.
  const addFile = (p: string, explicit: boolean, real: string) => {
    if ((explicit || isRuleFile(p)) && !files.has(real)) files.set(real, { path: p, treatment: treatmentForPath(p), root });
  };

  const visitDir = (dir: string, real: string): void => {
    if (visitedDirs.has(real)) return;
    visitedDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      skipped.push({ path: dir, reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRECTORIES.includes(entry.name)) visitDir(p, path.join(real, entry.name));
      } else if (entry.isFile()) addFile(p, false, path.join(real, entry.name));
      else if (entry.isSymbolicLink()) followLink(p, real, false);
      else if (RULE_EXTENSIONS.some((x) => p.endsWith(x))) skipped.push({ path: p, reason: direntKind(entry) });
    }
  };

  /** A file link is read now; a folder link waits until the real folders are done. */
  const followLink = (p: string, parentReal: string, explicit: boolean): void => {
    let real: string;
    let stat: fs.Stats;
    try {
      real = fs.realpathSync(p);
      stat = fs.statSync(real);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      skipped.push({ path: p, reason: code === 'ELOOP' ? 'symlink loop' : `unreadable: ${code === 'ENOENT' ? 'broken symlink' : code ?? (e as Error).message}` });
      return;
    }
    if (stat.isDirectory()) {
      if (explicit) visitDir(p, real);
      else links.push({ path: p, real, parentReal, root });
    } else if (stat.isFile()) addFile(p, explicit, real);
    else if (explicit || RULE_EXTENSIONS.some((x) => p.endsWith(x))) skipped.push({ path: p, reason: specialFileKind(stat) ?? 'not a regular file' });
  };

  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(given);
    } catch {
      missing.push(given);
      continue;
    }
    // Folder names above the path given count for nothing (a checkout under ~/deprecated/);
    // its own name does (`attack-lens coverage detections/deprecated`).
    root = path.dirname(given.replace(/[\\/]+$/, '')) + path.sep;
    if (stat.isSymbolicLink()) followLink(given, '', true);
    else if (stat.isDirectory()) visitDir(given, fs.realpathSync(given));
    else if (stat.isFile()) addFile(given, true, realPathOr(given));
    else skipped.push({ path: given, reason: specialFileKind(stat) ?? 'not a regular file' });
  }
  for (let link = links.shift(); link; link = links.shift()) {
    if (link.parentReal === link.real || link.parentReal.startsWith(link.real + path.sep)) skipped.push({ path: link.path, reason: 'symlink loop' });
    else if (visitedDirs.has(link.real)) skipped.push({ path: link.path, reason: 'symlink to a folder scanned already' });
    else {
      root = link.root;
      visitDir(link.path, link.real);
    }
  }
  return { files: [...files.values()], skipped, missing };
}

/** What a directory entry that is neither file, folder nor link is (readdir's types, no extra stat). */
function direntKind(entry: fs.Dirent): string {
  if (entry.isFIFO()) return 'a FIFO (named pipe), not a regular file';
  if (entry.isSocket()) return 'a socket, not a regular file';
  if (entry.isCharacterDevice()) return 'a character device, not a regular file';
  if (entry.isBlockDevice()) return 'a block device, not a regular file';
  return 'not a regular file';
}

/**
 * Reads a file for the scan: refuses special, large, binary and unreadable files with a reason.
 * Sync: many small reads are faster so. The 1 MB cap counts the bytes read (a device reports size 0).
 */
export function readRuleFileFromDisk(p: string): { readonly text: string } | { readonly skipped: string } {
  const read = readRegularFile(p, MAX_RULE_FILE_BYTES);
  if ('bytes' in read) return decodeRuleText(read.bytes);
  if (read.code === 'ELOOP') return { skipped: 'symlink loop' };
  return { skipped: read.code ? `unreadable: ${read.code}` : read.refused };
}

function realPathOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}
