import * as fs from 'fs';
import * as path from 'path';
import { copyWorkspace } from './codeServer';

/** The folder `npm start` opens: the one named on its command line as it is, else a scratch copy of `examples` (code-server saves as you type). */
export interface StartWorkspace {
  readonly path: string;
  /** The scratch copy's source; undefined for a named folder. */
  readonly copyOf?: string;
  /** Removes the scratch copy (nothing for a named folder). */
  remove(): void;
}

export function startWorkspace(named: string | undefined, examples: string): StartWorkspace {
  if (named) return { path: path.resolve(named), remove: () => undefined };
  const copy = copyWorkspace(examples, path.basename(examples));
  return { path: copy, copyOf: examples, remove: () => fs.rmSync(path.dirname(copy), { recursive: true, force: true }) };
}
