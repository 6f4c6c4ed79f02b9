import { AttackIndex, CompiledDomain } from '../attack/index';
import { parseArgs, stringFlag, UsageError } from './args';
import { CliContext } from './context';

export const STATS_USAGE = 'attack-lens stats [--json] [--stix PATH]';

export interface DomainStats {
  domain: string;
  version: string;
  tactics: number;
  techniques: number;
  subtechniques: number;
  groups: number;
  software: number;
  campaigns: number;
  mitigations: number;
  detectionStrategies: number;
  revoked: number;
  deprecated: number;
}

/** Counts of active entries per domain; revoked and deprecated count techniques only. */
export function domainStats(index: AttackIndex, d: CompiledDomain): DomainStats {
  const active = <T extends { revoked: boolean; deprecated: boolean }>(xs: readonly T[]) => xs.filter((x) => !x.revoked && !x.deprecated).length;
  const techniques = d.techniques.filter((t) => index.isActive(t));
  return {
    domain: d.domain,
    version: d.version,
    tactics: active(d.tactics),
    techniques: techniques.filter((t) => !t.isSubtechnique).length,
    subtechniques: techniques.filter((t) => t.isSubtechnique).length,
    groups: active(d.groups),
    software: active(d.software),
    campaigns: active(d.campaigns),
    mitigations: active(d.mitigations),
    detectionStrategies: active(d.detectionStrategies),
    revoked: d.techniques.filter((t) => t.revoked).length,
    deprecated: d.techniques.filter((t) => t.deprecated && !t.revoked).length,
  };
}

export function statsCommand(argv: readonly string[], ctx: CliContext): number {
  const args = parseArgs(argv, ['stix'], ['json']);
  if (args.positionals.length) throw new UsageError(`usage: ${STATS_USAGE}`);
  const index = ctx.index(stringFlag(args, 'stix'));
  const stats = index.domains.map((d) => domainStats(index, d));
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
