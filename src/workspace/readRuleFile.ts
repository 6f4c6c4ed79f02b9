import * as vscode from 'vscode';
import { decodeRuleText, MAX_RULE_FILE_BYTES } from '../coverage/scan';

// Reads one rule file through vscode.workspace.fs (so remote and virtual workspaces work),
// refusing what the coverage scan must not parse: large, binary, unreadable files, symlink loops,
// and anything but a regular file (workspace.fs reports FIFOs, sockets and devices as
// FileType.Unknown; reading a FIFO would never end).

/** The Skipped node's reason for what workspace.fs cannot tell apart further. */
export const NOT_REGULAR = 'not a regular file (a FIFO, socket or device)';

export type ReadResult = { readonly text: string } | { readonly skipped: string };

/**
 * `knownRuleFile`: the file was read as a rule before, so it is read straight away without a stat
 * first (one round trip instead of two where the file system is remote; the size limit still holds
 * after reading). A file not seen before is measured first so that a huge one, or one that is not
 * a regular file, is never loaded.
 */
export async function readRuleFile(uri: vscode.Uri, knownRuleFile = false): Promise<ReadResult> {
  try {
    if (!knownRuleFile) {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.Directory) return { skipped: 'a directory' };
      if (!(stat.type & vscode.FileType.File)) return { skipped: NOT_REGULAR };
      if (stat.size > MAX_RULE_FILE_BYTES) return { skipped: 'larger than 1 MB' };
    }
    const bytes = await vscode.workspace.fs.readFile(uri);
    return decodeRuleText(bytes);
  } catch (e) {
    const reason = describeReadError(e);
    return { skipped: reason === NOT_FOUND && (await isBrokenLink(uri)) ? 'unreadable: broken symlink' : reason };
  }
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
