import { domainStats } from '../attack/domainStats';
import { indexFromFlags } from './attackVersionFlag';
import { parseArgs, UsageError } from './args';
import { CliContext } from './context';

export const STATS_USAGE = 'attack-lens stats [--json] [--stix PATH] [--attack-version V]';

export function statsCommand(argv: readonly string[], ctx: CliContext): number {
  const args = parseArgs(argv, ['stix', 'attack-version'], ['json']);
  if (args.positionals.length) throw new UsageError(`usage: ${STATS_USAGE}`);
  const { index } = indexFromFlags(args, ctx);
  const stats = index.domains.map(domainStats);
  if (args.flags.has('json')) {
    ctx.out(JSON.stringify({ domains: stats }, null, 2));
    return 0;
  }
  for (const s of stats) {
    ctx.out(`${s.domain} ${s.version}`);
    ctx.out(`  tactics ${s.tactics} · techniques ${s.techniques} · sub-techniques ${s.subtechniques}`);
    ctx.out(`  groups ${s.groups} · software ${s.software} · campaigns ${s.campaigns} · mitigations ${s.mitigations} · detection strategies ${s.detectionStrategies}`);
    ctx.out(`  revoked ${s.revoked} · deprecated ${s.deprecated}`);
  }
  return 0;
}
