import * as vscode from 'vscode';
import { decodeRuleText } from '../rules/decodeRuleText';
import { MAX_RULE_FILE_BYTES, TOO_LARGE } from '../rules/fileSize';

// Reads one rule file through vscode.workspace.fs (so remote and virtual workspaces work),
// refusing what the coverage scan must not parse: large, binary, unreadable files, symlink loops,
// and anything but a regular file (workspace.fs reports FIFOs, sockets and devices as
// FileType.Unknown; reading a FIFO would never end).

/** The Skipped node's reason for what workspace.fs cannot tell apart further. */
const NOT_REGULAR = 'not a regular file (a FIFO, socket or device)';

/**
 * Why an entry with neither File nor Directory type is skipped. A symlink gets that type both when
 * its target is missing and when it is a FIFO or device; listing it as a folder tells them apart
 * without opening the target (ENOENT for a missing one, ENOTDIR for the rest, checked before any open).
 */
export async function withoutFileType(uri: vscode.Uri, type: vscode.FileType): Promise<string> {
  if (!(type & vscode.FileType.SymbolicLink)) return NOT_REGULAR;
  try {
    await vscode.workspace.fs.readDirectory(uri);
  } catch (e) {
    if ((e instanceof vscode.FileSystemError && e.code === 'FileNotFound') || /ENOENT/.test(String((e as Error)?.message))) return 'unreadable: broken symlink';
  }
  return NOT_REGULAR;
}

/** The text, with the file's modification time and size as read (`stamp`: the same file unchanged has the same stamp). */
export type ReadResult = { readonly text: string; readonly stamp?: string } | { readonly skipped: string };

/**
 * Reads rule files in two rounds: every stat, then every read the stats allow. The stat comes
 * before every read, also of a file read as a rule before: between two reads a rule file can
 * become a symlink to /dev/zero or a FIFO (a `git pull` can bring the link), and reading either
 * never ends. Two rounds, because each workspace.fs call is a round trip to the workbench (in
 * code-server, over its web socket): calls made in one turn travel together, calls made as each
 * answer arrives travel one by one (SigmaHQ's 3 140 files in code-server: 15–30 % less time).
 */
export async function readRuleFiles(uris: readonly vscode.Uri[]): Promise<ReadResult[]> {
  const stats = await Promise.allSettled(uris.map((uri) => vscode.workspace.fs.stat(uri)));
  // Every read is asked for in this turn; each file is decoded when its bytes arrive (a batch of
  // 1 MB files decoded in one turn would hold the host).
  return Promise.all(uris.map((uri, k) => readAfterStat(uri, stats[k])));
}

async function readAfterStat(uri: vscode.Uri, stat: PromiseSettledResult<vscode.FileStat>): Promise<ReadResult> {
  try {
    if (stat.status === 'rejected') throw stat.reason;
    if (stat.value.type & vscode.FileType.Directory) return { skipped: 'a directory' };
    if (!(stat.value.type & vscode.FileType.File)) return { skipped: await withoutFileType(uri, stat.value.type) };
    if (stat.value.size > MAX_RULE_FILE_BYTES) return { skipped: TOO_LARGE };
    const decoded = decodeRuleText(await vscode.workspace.fs.readFile(uri));
    return 'text' in decoded ? { text: decoded.text, stamp: `${stat.value.mtime}:${stat.value.size}` } : decoded;
  } catch (e) {
    const reason = describeReadError(e);
    return { skipped: reason === NOT_FOUND && (await isBrokenLink(uri)) ? 'unreadable: broken symlink' : reason };
  }
}

/**
 * readRuleFiles one file at a time for a caller that finds its files one by one (the walk, entry
 * by entry of a folder listing): the calls made in one turn of the event loop are read together.
 */
export function readInGroups(): (uri: vscode.Uri) => Promise<ReadResult> {
  type Waiting = { readonly uri: vscode.Uri; readonly resolve: (r: ReadResult) => void };
  let group: Waiting[] | undefined;
  return (uri) =>
    new Promise((resolve) => {
      if (!group) {
        const taken: Waiting[] = (group = []);
        queueMicrotask(() => {
          group = undefined;
          void readRuleFiles(taken.map((g) => g.uri)).then((results) => taken.forEach((g, k) => g.resolve(results[k])));
        });
      }
      group.push({ uri, resolve });
    });
}

const NOT_FOUND = 'unreadable: not found';

/** A name that stat cannot follow but its folder still lists is a link to nothing (gone files are not listed). */
async function isBrokenLink(uri: vscode.Uri): Promise<boolean> {
  try {
    const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
    const entries = await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(uri, '..'));
    return entries.some(([n, t]) => n === name && (t & vscode.FileType.SymbolicLink) !== 0);
  } catch {
    return false;
  }
}

function describeReadError(e: unknown): string {
  const text = String((e as Error)?.message ?? e);
  if (/ELOOP|too many (levels of )?symbolic links/i.test(text)) return 'symlink loop';
  if (e instanceof vscode.FileSystemError && e.code === 'FileNotFound') return NOT_FOUND;
  if ((e instanceof vscode.FileSystemError && e.code === 'FileIsADirectory') || /EISDIR/.test(text)) return 'a directory';
  if (e instanceof vscode.FileSystemError && e.code === 'NoPermissions') return 'unreadable: permission denied';
  return `unreadable: ${text}`;
}
