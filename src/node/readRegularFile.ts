import * as fs from 'fs';

// The one way the CLI opens a file it was handed: only regular files, never a blocking open, and
// a size cap on the bytes actually read. A FIFO named on the command line would block open() until
// a writer came; /dev/zero reports size 0 and never ends. Both are refused with their reason.

/** Rule bundles are 30 MB today; a cap far above that still stops a runaway read. */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
/** Settings files, Navigator layers, CSV indexes. */
export const MAX_SMALL_FILE_BYTES = 32 * 1024 * 1024;

/** `code`: the errno code when the refusal is a file-system error (ENOENT, EACCES, …). */
export type RegularFileRead = { readonly bytes: Buffer } | { readonly refused: string; readonly code?: string };

/** What a non-regular file is, in words; undefined for a regular file. */
export function specialFileKind(stat: fs.Stats): string | undefined {
  if (stat.isFile()) return undefined;
  if (stat.isDirectory()) return 'a folder, not a file';
  if (stat.isFIFO()) return 'a FIFO (named pipe), not a regular file';
  if (stat.isSocket()) return 'a socket, not a regular file';
  if (stat.isCharacterDevice()) return 'a character device, not a regular file';
  if (stat.isBlockDevice()) return 'a block device, not a regular file';
  return 'not a regular file';
}

export function describeFsError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'a folder, not a file';
    case 'ENOTDIR':
      return 'a path through something that is not a folder';
    case 'ELOOP':
      return 'symlink loop';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return err?.code ? `${err.code}${err.message ? ` (${err.message.replace(/^\w+: /, '')})` : ''}` : String((e as Error)?.message ?? e);
  }
}

function sizeLabel(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}

const scratch = Buffer.alloc(64 * 1024);
const NONBLOCK = (fs.constants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0;

/**
 * Reads a regular file of at most `maxBytes`. stat first (a FIFO is never opened), then open
 * without blocking and fstat the descriptor (the path may have been swapped in between); the cap
 * counts the bytes read, not the size the file claims.
 */
export function readRegularFile(file: string, maxBytes: number): RegularFileRead {
  let fd: number | undefined;
  try {
    const kind = specialFileKind(fs.statSync(file));
    if (kind) return { refused: kind };
    fd = fs.openSync(file, fs.constants.O_RDONLY | NONBLOCK);
    const opened = fs.fstatSync(fd);
    const openedKind = specialFileKind(opened);
    if (openedKind) return { refused: openedKind };
    if (opened.size > maxBytes) return { refused: `larger than ${sizeLabel(maxBytes)}` };
    // The first read asks for the size stat gave plus one byte; later reads (a file that grew, or
    // the check for its end) go through one shared scratch buffer, so a small file costs one allocation.
    const first = Buffer.allocUnsafe(Math.min(opened.size, maxBytes) + 1);
    const chunks: Buffer[] = [];
    let total = 0;
    for (let buf = first; ; buf = scratch) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, maxBytes + 1 - total), null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) return { refused: `larger than ${sizeLabel(maxBytes)}` };
      chunks.push(buf === first ? first.subarray(0, n) : Buffer.from(scratch.subarray(0, n)));
    }
    return { bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { refused: describeFsError(e), ...(code ? { code } : {}) };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
