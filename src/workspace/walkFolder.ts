import * as vscode from 'vscode';
import { FileTreatment } from '../config';
import { SkippedFile } from '../coverage/model';
import { withoutFileType } from './readRuleFile';

// The coverage scan's walk of a workspace folder through vscode.workspace.fs (so remote and
// virtual workspaces work). findFiles would be simpler, but ripgrep drops symlink loops and
// broken links without a word; the issue wants them counted. Excluded folders are never entered.
//
// A symlinked folder is followed unless it leads back to a folder on the way to it (a loop) or
// to a folder scanned anyway (its rules would count twice); both are reported. workspace.fs has
// no realpath: a folder is recognised by its stat (ctime, mtime, size) and its listing, which
// only the same folder reached twice shares.

export interface WalkOptions {
  /** How a file is treated, from its path relative to the workspace folder; undefined = not a rule file. */
  readonly classify: (relativePath: string) => Exclude<FileTreatment, 'off'> | undefined;
  /** Whether a folder (relative path) is excluded: nothing below it is visited. */
  readonly excludedFolder: (relativePath: string) => boolean;
  /** search.followSymlinks: when false, symlinked folders are not entered. */
  readonly followSymlinks: boolean;
  readonly token?: vscode.CancellationToken;
  /** Told of each rule file as it is found (the scan starts reading before the walk ends). */
  readonly onFile?: (file: WalkedFile) => void;
}

interface WalkedFile {
  readonly uri: vscode.Uri;
  readonly treatment: Exclude<FileTreatment, 'off'>;
}

export interface WalkResult {
  readonly files: WalkedFile[];
  readonly skipped: SkippedFile[];
}

/** Folders listed at once; the extension host's fs calls are cheap but not free. */
const CONCURRENCY = 16;

interface Visit {
  readonly uri: vscode.Uri;
  readonly rel: string;
  /** The folders on the way here (outermost first), for the loop check. */
  readonly ancestors: readonly Folder[];
  /** Reached through a symlink: checked for a loop before it is entered. */
  readonly link?: boolean;
}

class Folder {
  private fingerprint?: Promise<string>;
  constructor(
    readonly uri: vscode.Uri,
    readonly names: string,
  ) {}
  /** The folder's identity as far as workspace.fs can tell; computed only when a link needs it. */
  identity(): Promise<string> {
    return (this.fingerprint ??= Promise.resolve(vscode.workspace.fs.stat(this.uri)).then(
      (s) => `${s.ctime}:${s.mtime}:${s.size}:${this.names}`,
      () => `?${this.uri.toString()}`,
    ));
  }
}

async function listing(uri: vscode.Uri): Promise<Folder | undefined> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(uri);
    return new Folder(uri, entries.map(([n, t]) => `${n}/${t}`).sort().join('|'));
  } catch {
    return undefined;
  }
}

/** Every rule file below `root` (whose path relative to its workspace folder is `rootRel`). */
export async function walkFolder(root: vscode.Uri, rootRel: string, options: WalkOptions): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const skipped: SkippedFile[] = [];
  const cancelled = () => options.token?.isCancellationRequested === true;
  // Real folders first, symlinked ones after: a link to a folder scanned anyway is then known.
  const queue: Visit[] = [];
  const links: Visit[] = [];
  const visited: Folder[] = [];
  queue.push({ uri: root, rel: rootRel, ancestors: [] });

  const visit = async (v: Visit): Promise<void> => {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(v.uri);
    } catch (e) {
      skipped.push({ path: v.uri.toString(), reason: `unreadable: ${(e as Error)?.message ?? String(e)}` });
      return;
    }
    const folder = new Folder(v.uri, entries.map(([n, t]) => `${n}/${t}`).sort().join('|'));
    visited.push(folder);
    const ancestors = [...v.ancestors, folder];
    for (const [name, type] of entries) {
      const rel = v.rel ? `${v.rel}/${name}` : name;
      const uri = vscode.Uri.joinPath(v.uri, name);
      const link = (type & vscode.FileType.SymbolicLink) !== 0;
      if (type & vscode.FileType.Directory) {
        if (options.excludedFolder(rel) || (link && !options.followSymlinks)) continue;
        (link ? links : queue).push({ uri, rel, ancestors, link });
      } else if (type & vscode.FileType.File) {
        const treatment = options.classify(rel);
        if (treatment) {
          files.push({ uri, treatment });
          options.onFile?.({ uri, treatment });
        }
      } else if (options.classify(rel)) {
        // No file type: a FIFO, socket or device, or a link to one or to nothing. Never read (a FIFO would block the read for good).
        skipped.push({ path: uri.toString(), reason: await withoutFileType(uri, type) });
      }
    }
  };

  /** Why a symlinked folder is not entered: it leads back up (a loop), or its folder was scanned already. */
  const linkVerdict = async (v: Visit): Promise<string | undefined> => {
    const target = await listing(v.uri);
    if (!target) return undefined;
    const self = await target.identity();
    for (const a of v.ancestors) if ((await a.identity()) === self) return 'symlink loop';
    const seen = await Promise.all(visited.map((f) => f.identity()));
    return seen.includes(self) ? 'symlink to a folder scanned already' : undefined;
  };

  const drain = () =>
    new Promise<void>((resolve) => {
      let running = 0;
      const pump = () => {
        while (running < CONCURRENCY && queue.length && !cancelled()) {
          running++;
          void visit(queue.shift()!).finally(() => {
            running--;
            pump();
          });
        }
        if (running === 0 && (queue.length === 0 || cancelled())) resolve();
      };
      pump();
    });

  for (;;) {
    await drain();
    const link = links.shift();
    if (!link || cancelled()) break;
    const verdict = await linkVerdict(link);
    if (verdict) skipped.push({ path: link.uri.toString(), reason: verdict });
    else queue.push(link);
  }
  return { files, skipped };
}
