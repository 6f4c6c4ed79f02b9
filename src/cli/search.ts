import { AttackSearch } from '../attack/search';
import { indexFromFlags } from './attackVersionFlag';
import { intFlag, parseArgs, UsageError } from './args';
import { CliContext } from './context';
import { entryJson } from './entryJson';

export const SEARCH_USAGE = 'attack-lens search <text> [--json] [--limit N] [--stix PATH] [--attack-version V]';

export function searchCommand(argv: readonly string[], ctx: CliContext): number {
  const args = parseArgs(argv, ['limit', 'stix', 'attack-version'], ['json']);
  if (args.positionals.length === 0) throw new UsageError(`usage: ${SEARCH_USAGE}`);
  const limit = intFlag(args, 'limit', 10);
  const { index } = indexFromFlags(args, ctx);
  const hits = new AttackSearch(index).search(args.positionals.join(' '), {
    kinds: ['technique', 'tactic', 'group', 'software'],
    limit,
  });
  if (args.flags.has('json')) {
    ctx.out(JSON.stringify(hits.map((h) => entryJson(index, h.entry)), null, 2));
  } else if (hits.length === 0) {
    ctx.err(`attack-lens: nothing in ${index.versionLabel} matches "${args.positionals.join(' ')}"`);
  } else {
    for (const { entry } of hits) {
      const tactics = entry.kind === 'technique' ? `  [${entry.tactics.join(', ')}]` : '';
      ctx.out(`${entry.id.padEnd(10)} ${entry.kind.padEnd(9)} ${entry.name}${tactics}`);
    }
  }
  return 0;
}
