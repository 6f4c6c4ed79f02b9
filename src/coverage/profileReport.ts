import { PriorityGap, PriorityRanking } from './priorities';
import { describeProfile } from './profile';
import { csvRow } from '../core/csv';
import { mdCell } from './report';
import { percentOf } from './model';

// The threat profile's part of a coverage report (`attack-lens coverage --profile`): how much
// of the profile is covered and its gaps, highest weight first, as the Priority gaps view ranks them.

export interface ProfileJson {
  readonly name: string;
  readonly source: string;
  readonly actors: readonly string[];
  /** In-scope techniques of interest, and how many of them have rules. */
  readonly techniques: number;
  readonly covered: number;
  readonly percent: number;
  readonly gaps: readonly { readonly id: string; readonly name: string; readonly weight: number; readonly status: string; readonly tactics: readonly string[]; readonly actors: readonly string[]; readonly reason: string }[];
  readonly unknown: readonly string[];
  readonly outOfScope: readonly string[];
}

const percent = (r: PriorityRanking) => percentOf({ covered: r.covered, total: r.interest });

const gapName = (g: PriorityGap) => g.technique.name;

function statusText(g: PriorityGap): string {
  return g.status === 'partial' && g.subtechniques ? `partial (${g.subtechniques.covered}/${g.subtechniques.total} sub-techniques)` : 'no rule';
}

export function profileJson(r: PriorityRanking): ProfileJson {
  return {
    name: r.profile.name,
    source: r.profile.source,
    actors: [...r.profile.actors],
    techniques: r.interest,
    covered: r.covered,
    percent: percent(r),
    gaps: r.gaps.map((g) => ({ id: g.technique.id, name: g.technique.name, weight: g.weight, status: g.status, tactics: g.tactics.map((t) => t.shortname), actors: g.actors.map((a) => a.name), reason: g.reason })),
    unknown: [...r.unknown],
    outOfScope: [...r.outOfScope],
  };
}

export function profileMarkdown(r: PriorityRanking, limit = 30): string[] {
  const out = ['', `## Threat profile gaps: ${mdCell(r.profile.name)}`, ''];
  out.push(`${mdCell(describeProfile(r.profile))}. Covered: **${r.covered}/${r.interest} (${percent(r)}%)** of its techniques; gaps ranked by weight.`, '');
  if (!r.gaps.length) return [...out, 'No gaps.'];
  out.push('| Technique | Name | Weight | Status | Why |', '| --- | --- | ---: | --- | --- |');
  for (const g of r.gaps.slice(0, limit)) out.push(`| ${g.technique.id} | ${mdCell(gapName(g))} | ${g.weight} | ${statusText(g)} | ${mdCell(g.reason)} |`);
  if (r.gaps.length > limit) out.push(`| … | ${r.gaps.length - limit} more | | | |`);
  return out;
}

export function profileSummary(r: PriorityRanking, limit = 10): string {
  const lines = ['', `Threat profile “${r.profile.name}”: ${r.covered}/${r.interest} techniques covered (${percent(r)}%), ${r.gaps.length} gap${r.gaps.length === 1 ? '' : 's'}${r.gaps.length ? `; top ${Math.min(limit, r.gaps.length)}:` : ''}`];
  const width = Math.max(0, ...r.gaps.slice(0, limit).map((g) => g.technique.id.length));
  for (const g of r.gaps.slice(0, limit)) lines.push(`  ${g.technique.id.padEnd(width)}  ${gapName(g)} · ${g.reason}${g.status === 'partial' ? ` · ${statusText(g)}` : ''}`);
  return lines.join('\n');
}

/** CSV rows appended to the coverage CSV (a section with its own header, like the atomics one). */
export function profileCsv(r: PriorityRanking): string {
  const rows = ['profile_gap,technique_id,name,weight,status,reason'];
  for (const g of r.gaps) rows.push(csvRow(['gap', g.technique.id, g.technique.name, g.weight, g.status, g.reason]));
  return rows.join('\r\n') + '\r\n';
}
