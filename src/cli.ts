import { CliCommand, processContext } from './cli/context';
import { SEARCH_USAGE, searchCommand } from './cli/search';
import { SHOW_USAGE, showCommand } from './cli/show';
import { STATS_USAGE, statsCommand } from './cli/stats';
import { COVERAGE_USAGE, coverageCommand } from './cli/coverage';
import { MIGRATE_USAGE, migrateCommand } from './cli/migrate';
import { CHECK_USAGE, checkCommand } from './cli/check';
import { DIFF_USAGE, diffCommand } from './cli/diff';
import { versionText } from './cli/toolInfo';
import { describeFsError } from './node/readRegularFile';
import { reportError } from './cli/reportError';

// attack-lens: the ATT&CK Lens engine on the command line. Exit codes: 0 success,
// 1 a gate failed (coverage --fail-under, check --fail-on, diff --fail-on-loss), 2 bad usage, unknown ID or unusable input,
// 70 an internal error (a bug). Errors are one line on stderr; ATTACK_LENS_DEBUG=1 adds the stack.

const COMMANDS: Record<string, { run: CliCommand; usage: string }> = {
  show: { run: showCommand, usage: SHOW_USAGE },
  search: { run: searchCommand, usage: SEARCH_USAGE },
  stats: { run: statsCommand, usage: STATS_USAGE },
  coverage: { run: coverageCommand, usage: COVERAGE_USAGE },
  check: { run: checkCommand, usage: CHECK_USAGE },
  diff: { run: diffCommand, usage: DIFF_USAGE },
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
  if (name === '--version' || name === '-V') {
    try {
      ctx.out(versionText(ctx.index()));
      return 0;
    } catch (e) {
      return reportError(e, ctx.err);
    }
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
