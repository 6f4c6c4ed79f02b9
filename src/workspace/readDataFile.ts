import * as vscode from 'vscode';

// The extension's one way to read a data file a setting or a dialog names (a bundle, the cache,
// a Navigator layer, the atomics CSV) through vscode.workspace.fs: only a regular file, and only
// up to a cap. workspace.fs reports FIFOs, sockets and devices as FileType.Unknown; reading a
// FIFO never ends and /dev/zero fills memory, so they are refused after the stat, unread.

export const MAX_DATA_FILE_BYTES = 256 * 1024 * 1024;
/** Navigator layers and CSV indexes. */
export const MAX_SMALL_DATA_FILE_BYTES = 32 * 1024 * 1024;

/** Why a data file cannot be read: the message says what it is, without the path (callers name the file). */
export class DataFileRefusal extends Error {}

async function readDataFile(uri: vscode.Uri, maxBytes: number): Promise<Uint8Array> {
  const stat = await vscode.workspace.fs.stat(uri);
  if (stat.type & vscode.FileType.Directory) throw new DataFileRefusal('a folder, not a file');
  if (!(stat.type & vscode.FileType.File)) throw new DataFileRefusal('not a regular file (a FIFO, socket or device)');
  const cap = `larger than ${Math.round(maxBytes / (1024 * 1024))} MB`;
  if (stat.size > maxBytes) throw new DataFileRefusal(cap);
  const bytes = await vscode.workspace.fs.readFile(uri);
  if (bytes.byteLength > maxBytes) throw new DataFileRefusal(cap);
  return bytes;
}

export async function readDataText(uri: vscode.Uri, maxBytes: number): Promise<string> {
  return new TextDecoder().decode(await readDataFile(uri, maxBytes));
}
