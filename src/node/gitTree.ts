import { spawnSync } from 'child_process';

// Rule files of a git revision, read with git itself (`git ls-tree`, `git cat-file --batch`),
// without checking anything out: the working tree and the index are never touched.

interface GitBlob {
  /** As `git ls-tree` prints it: relative to the working directory, `/`-separated. */
  readonly path: string;
  readonly bytes: Buffer;
}

export type GitTreeResult = { readonly blobs: GitBlob[]; readonly skipped: { path: string; reason: string }[] } | { readonly error: string };

/** Blobs larger than this are listed as skipped unread (the rule-file size cap is 1 MB). */
const MAX_BLOB_BYTES = 1024 * 1024;

function git(args: readonly string[], cwd: string, input?: string): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync('git', args, { cwd, input, maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) return { status: null, stdout: Buffer.alloc(0), stderr: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed (not on PATH)' : r.error.message };
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim().split('\n')[0] ?? '' };
}

/** Every file under `paths` (all of the tree when none) at `rev` that `wanted` takes, with its bytes. */
export function readGitTree(rev: string, paths: readonly string[], cwd: string, wanted: (path: string) => boolean): GitTreeResult {
  const inside = git(['rev-parse', '--is-inside-work-tree'], cwd);
  if (inside.status !== 0) return { error: `--git: ${cwd} is not in a git repository${inside.stderr.startsWith('git is not') ? ` (${inside.stderr})` : ''}` };
  if (rev.startsWith('-')) return { error: `--git: "${rev}" is not a revision` };
  const tree = git(['rev-parse', '--verify', '--quiet', `${rev}^{tree}`], cwd);
  if (tree.status !== 0) return { error: `--git: the revision "${rev}" does not resolve to a commit or tree in this repository` };
  const listed = git(['ls-tree', '-r', '-z', '-l', rev, '--', ...paths], cwd);
  if (listed.status !== 0) return { error: `--git: cannot list ${rev}: ${listed.stderr}` };
  const entries: { sha: string; path: string; size: number }[] = [];
  const skipped: { path: string; reason: string }[] = [];
  for (const line of listed.stdout.toString('utf8').split('\0')) {
    // <mode> SP <type> SP <object> SP+ <size> TAB <path>
    const m = /^(\d+) (\w+) ([0-9a-f]+) +(-|\d+)\t(.*)$/s.exec(line);
    if (!m || !wanted(m[5])) continue;
    if (m[2] !== 'blob') continue;
    if (m[1] === '120000') skipped.push({ path: m[5], reason: 'a symlink in git (not followed)' });
    else if (Number(m[4]) > MAX_BLOB_BYTES) skipped.push({ path: m[5], reason: 'larger than 1 MB' });
    else entries.push({ sha: m[3], path: m[5], size: Number(m[4]) });
  }
  if (!entries.length) return { blobs: [], skipped };
  const batch = git(['cat-file', '--batch'], cwd, entries.map((e) => e.sha).join('\n') + '\n');
  if (batch.status !== 0) return { error: `--git: cannot read the files of ${rev}: ${batch.stderr}` };
  const out = batch.stdout;
  const blobs: GitBlob[] = [];
  let at = 0;
  for (const e of entries) {
    // <sha> SP blob SP <size> LF <contents> LF
    const headerEnd = out.indexOf(0x0a, at);
    const size = Number(out.toString('latin1', at, headerEnd).split(' ')[2]);
    blobs.push({ path: e.path, bytes: out.subarray(headerEnd + 1, headerEnd + 1 + size) });
    at = headerEnd + 1 + size + 1;
  }
  return { blobs, skipped };
}
