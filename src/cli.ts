import { UsageError } from './cli/args';
import { CliCommand, processContext } from './cli/context';
import { AttackDataError } from './attack/types';
import { SEARCH_USAGE, searchCommand } from './cli/search';
import { SHOW_USAGE, showCommand } from './cli/show';
import { STATS_USAGE, statsCommand } from './cli/stats';
import { COVERAGE_USAGE, coverageCommand } from './cli/coverage';
import { MIGRATE_USAGE, migrateCommand } from './cli/migrate';
import { describeFsError } from './node/readRegularFile';

// attack-lens: the ATT&CK Lens engine on the command line. Exit codes: 0 success,
// 1 a gate failed (coverage --fail-under), 2 bad usage, unknown ID or unusable input,
// 70 an internal error (a bug). Errors are one line on stderr; ATTACK_LENS_DEBUG=1 adds the stack.

export const EXIT_INTERNAL = 70;
const debug = () => process.env.ATTACK_LENS_DEBUG === '1';

/** A file-system error that escaped its command (it has the errno fields Node puts on them). */
function isFsError(e: unknown): e is NodeJS.ErrnoException {
  const err = e as NodeJS.ErrnoException;
  return e instanceof Error && typeof err.code === 'string' && typeof err.syscall === 'string';
}

/** The exit code and the one line for an error thrown out of a command. */
export function reportError(e: unknown, err: (text: string) => void): number {
  let code: number;
  if (e instanceof UsageError || e instanceof AttackDataError) {
    err(`attack-lens: ${e.message}`);
    code = 2;
  } else if (isFsError(e)) {
    err(`attack-lens: ${e.path ? `${e.path}: ` : ''}${describeFsError(e)}`);
    code = 2;
  } else {
    err(`attack-lens: internal error: ${String((e as Error)?.message ?? e).split('\n')[0]} (set ATTACK_LENS_DEBUG=1 for details)`);
    code = EXIT_INTERNAL;
  }
  if (debug() && e instanceof Error && e.stack) err(e.stack);
  return code;
}

const COMMANDS: Record<string, { run: CliCommand; usage: string }> = {
  show: { run: showCommand, usage: SHOW_USAGE },
  search: { run: searchCommand, usage: SEARCH_USAGE },
  stats: { run: statsCommand, usage: STATS_USAGE },
  coverage: { run: coverageCommand, usage: COVERAGE_USAGE },
  migrate: { run: migrateCommand, usage: MIGRATE_USAGE },
};

function usage(): string {
  return ['usage:', ...Object.values(COMMANDS).map((c) => '  ' + c.usage)].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const ctx = processContext();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? ctx.out : ctx.err)(usage());
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    ctx.err(`attack-lens: unknown command "${name}"\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.out(`usage:\n  ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(rest, ctx);
  } catch (e) {
    return reportError(e, ctx.err);
  }
}

if (require.main === module) {
  // `attack-lens coverage … | head`: the reader leaving early is not an error; the exit code still reports the gate.
  // Any other failure to write the output (`> /dev/full`) is one line and exit 2.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') return;
    process.stderr.write(`attack-lens: cannot write the output: ${describeFsError(e)}\n`);
    process.exit(2);
  });
  const fail = (e: unknown) => process.exit(reportError(e, (t) => process.stderr.write(t + '\n')));
  process.on('uncaughtException', fail);
  main(process.argv.slice(2)).then((code) => process.exit(code), fail);
}
