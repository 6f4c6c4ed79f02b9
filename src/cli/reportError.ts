import { AttackDataError } from '../attack/types';
import { describeFsError } from '../node/readRegularFile';
import { visibleText } from '../rules/unreadable';
import { UsageError } from './args';

// What the CLI prints for an error a command threw: one line, and the exit code. Bad input
// (usage, unusable data, a file-system error) is exit 2; anything else is a bug, exit 70.

const EXIT_INTERNAL = 70;
const debug = (): boolean => process.env.ATTACK_LENS_DEBUG === '1';

/** A file-system error that escaped its command (it has the errno fields Node puts on them). */
function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException;
  return e instanceof Error && typeof err.code === 'string' && typeof err.syscall === 'string';
}

/** The exit code and the one line for an error thrown out of a command. */
export function reportError(e: unknown, err: (text: string) => void): number {
  let code: number;
  if (e instanceof UsageError || e instanceof AttackDataError) {
    // Messages quote outside text (a bundle's JSON excerpt, a path): no ESC sequence reaches the terminal.
    err(`attack-lens: ${visibleText(e.message)}`);
    code = 2;
  } else if (isFsError(e)) {
    err(`attack-lens: ${visibleText(`${e.path ? `${e.path}: ` : ''}${describeFsError(e)}`)}`);
    code = 2;
  } else {
    err(`attack-lens: internal error: ${String((e as Error)?.message ?? e).split('\n')[0]} (set ATTACK_LENS_DEBUG=1 for details)`);
    code = EXIT_INTERNAL;
  }
  if (debug() && e instanceof Error && e.stack) err(e.stack);
  return code;
}

