import { AttackEntry, AttackIndex } from '../attack/index';
import { indexFromFlags } from './attackVersionFlag';
import { parseArgs, UsageError } from './args';
import { CliContext } from './context';
import { entryJson } from './entryJson';

export const SHOW_USAGE = 'attack-lens show <ID> [--json] [--stix PATH] [--attack-version V]';

export function showCommand(argv: readonly string[], ctx: CliContext): number {
  const args = parseArgs(argv, ['stix', 'attack-version'], ['json']);
  if (args.positionals.length !== 1) throw new UsageError(`usage: ${SHOW_USAGE}`);
  const { index } = indexFromFlags(args, ctx);
  const id = args.positionals[0];
  const e = index.get(id) ?? index.byExactName(id)[0];
  if (!e) {
    ctx.err(`attack-lens: unknown ATT&CK ID or name "${id}" (not in ${index.versionLabel})`);
    return 2;
  }
  if (args.flags.has('json')) ctx.out(JSON.stringify(entryJson(index, e), null, 2));
  else ctx.out(describe(index, e));
  return 0;
}

function describe(index: AttackIndex, e: AttackEntry): string {
  const j = entryJson(index, e);
  const lines = [`${e.id}  ${e.name}  (${e.kind}, ${e.domain} ${index.domain(e.domain)?.version ?? ''})`];
  if (e.revoked) lines.push(`REVOKED${j.replacedBy ? ` — replaced by ${j.replacedBy} ${index.get(j.replacedBy)?.name ?? ''}` : ''}`);
  if (e.deprecated) lines.push('DEPRECATED');
  if (j.tactics.length) lines.push(`Tactics:        ${j.tactics.join(', ')}`);
  if (j.platforms.length) lines.push(`Platforms:      ${j.platforms.join(', ')}`);
  if (j.parent) lines.push(`Parent:         ${j.parent} ${index.get(j.parent)?.name ?? ''}`);
  if (j.subtechniques.length) {
    lines.push('Sub-techniques:');
    for (const s of j.subtechniques) lines.push(`  ${s}  ${index.get(s)?.name ?? ''}`);
  }
  if (j.aliases?.length) lines.push(`Aliases:        ${j.aliases.join(', ')}`);
  if (j.groups) {
    const names = j.groups.map((g) => index.get(g)?.name ?? g);
    lines.push(`Used by:        ${names.length} group(s)${names.length ? ': ' + names.slice(0, 12).join(', ') + (names.length > 12 ? ', …' : '') : ''}`);
  }
  if (j.techniques?.length) lines.push(`Techniques:     ${j.techniques.length}`);
  if (e.url) lines.push(`URL:            ${e.url}`);
  const para = e.description.split(/\n\s*\n/)[0];
  if (para) lines.push('', para);
  return lines.join('\n');
}
