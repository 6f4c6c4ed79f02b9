import * as fs from 'fs';
import * as path from 'path';
import { describeFsError } from '../node/readRegularFile';
import { UsageError } from './args';

// --out FILE for the commands that write a report: refused before the work starts when it cannot
// be written (a folder, a read-only file, a folder that does not exist), so a long run (or
// `check --fix`, which edits rule files) does not end in a write error.

export function checkOutPath(out: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(out);
  } catch {
    stat = undefined;
  }
  if (stat?.isDirectory()) throw new UsageError(`--out ${out}: a folder, not a file`);
  const target = stat ? out : path.dirname(path.resolve(out));
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch (e) {
    throw new UsageError(
      `--out ${out}: cannot write the report: ${stat ? describeFsError(e) : `the folder ${target} ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `is not writable (${describeFsError(e)})`}`}`,
    );
  }
}

export function writeOut(out: string, text: string): void {
  try {
    fs.writeFileSync(out, text);
  } catch (e) {
    throw new UsageError(`--out ${out}: cannot write the report: ${describeFsError(e)}`);
  }
}
