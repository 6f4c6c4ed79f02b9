import * as path from 'path';

/**
 * A path as the CLI prints it: relative to the working directory when it lies inside it, else as
 * the user gave it (a relative path stays as typed, an absolute one outside the working directory
 * stays absolute, never `../../…`). Every command's output for people goes through it (text,
 * Markdown, CSV, stderr, and `migrate` throughout); the JSON of `check` and `coverage` keeps the
 * paths as walked, a stable interface for scripts.
 */
export function displayPath(p: string, cwd: string = process.cwd()): string {
  if (!path.isAbsolute(p)) return p;
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
