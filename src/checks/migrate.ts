import { AttackIndex } from '../attack/index';
import { normalizeId, parentOf } from '../attack/ids';
import { tacticChanges, tacticReplacements } from '../attack/tacticChanges';
import { Domain, Technique } from '../attack/types';
import { DetectionRule, ParsedRuleFile } from '../rules/types';

// What changes for a set of rules when ATT&CK moves from one version to another (17.1 → 18.1):
// only techniques the rules name are reported. Both sides are single-version indexes, compiled
// from the two bundles. References are read from rules parsed against the OLD version (names in
// Elastic/YARA-L resolve the way they did when the rules were written).
//
// - revoked: active in `from`, revoked in `to` (replacement: the end of the revoked-by chain in `to`);
// - deprecated: active in `from`, deprecated in `to`;
// - removed: known in `from`, absent from `to`;
// - renamed: active in both, the name differs;
// - tactics: active in both, tactics added or removed;
// - newSubtechniques: active sub-techniques in `to` that `from` does not have, under a parent
//   the rules name (directly, or through one of its sub-techniques);
// - tacticTags: each tactic reference whose tactic `to` renames or removes, with what replaces
//   it for that rule (src/attack/tacticChanges.ts: decided by the rule's own techniques).

interface MigrationReference {
  /** The ParsedRuleFile path (a file system path in the CLI, a URI string in the extension). */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  readonly rule: string;
  readonly text: string;
}

export interface MigrationReport {
  readonly domain: Domain;
  readonly from: string;
  readonly to: string;
  /** Rules scanned, and distinct techniques they name (as written, known in `from`). */
  readonly rules: number;
  readonly techniques: number;
  readonly revoked: readonly { readonly id: string; readonly name: string; readonly replacement: { readonly id: string; readonly name: string } | null; readonly references: readonly MigrationReference[] }[];
  readonly deprecated: readonly { readonly id: string; readonly name: string; readonly references: readonly MigrationReference[] }[];
  readonly removed: readonly { readonly id: string; readonly name: string; readonly references: readonly MigrationReference[] }[];
  readonly renamed: readonly { readonly id: string; readonly from: string; readonly to: string; readonly references: readonly MigrationReference[] }[];
  readonly tactics: readonly { readonly id: string; readonly name: string; readonly added: readonly string[]; readonly removed: readonly string[]; readonly references: readonly MigrationReference[] }[];
  readonly newSubtechniques: readonly { readonly parent: string; readonly parentName: string; readonly id: string; readonly name: string; readonly references: readonly MigrationReference[] }[];
  readonly tacticTags: readonly TacticTag[];
}

/** A tactic reference whose tactic is renamed or removed in `to`: shortnames, old and new. */
interface TacticTag extends MigrationReference {
  readonly tactic: string;
  readonly replacements: readonly string[];
}

/** The rule's tactic references whose tactic is renamed or removed between the versions. */
function tacticTags(from: AttackIndex, to: AttackIndex, files: readonly ParsedRuleFile[], domain: Domain): TacticTag[] {
  const changes = tacticChanges(from, to, domain);
  if (!changes.length) return [];
  const out: TacticTag[] = [];
  for (const file of files) {
    for (const rule of file.rules) {
      for (const r of rule.references) {
        if (r.kind !== 'tactic' || r.unreadable || !r.id) continue;
        const change = changes.find((c) => c.former.id === r.id);
        if (!change) continue;
        const replacements = tacticReplacements(change, to, techniquesFor(rule, file.format === 'elastic' ? r.id : undefined));
        out.push({ file: file.path, line: r.span.start.line + 1, rule: rule.title, text: r.text, tactic: change.former.shortname, replacements: replacements.map((t) => t.shortname) });
      }
    }
  }
  return out;
}

/** The technique IDs a rule names; only those under one tactic block when `tacticId` is given (Elastic), all when the block has none. */
function techniquesFor(rule: DetectionRule, tacticId?: string): string[] {
  const all = rule.references.filter((r) => r.kind === 'technique' && !r.unreadable && r.id).map((r) => ({ id: r.id!, tactic: r.context?.tacticId }));
  const under = tacticId ? all.filter((t) => t.tactic === tacticId) : [];
  return (under.length ? under : all).map((t) => t.id);
}

/** Technique ID (canonical, as written) → where the rules name it. */
function techniqueReferences(files: readonly ParsedRuleFile[]): Map<string, MigrationReference[]> {
  const out = new Map<string, MigrationReference[]>();
  for (const file of files) {
    for (const rule of file.rules) {
      for (const r of rule.references) {
        if (r.kind !== 'technique') continue;
        const id = r.id ?? normalizeId(r.text);
        if (!id || !/^T\d{4}(?:\.\d{3})?$/.test(id)) continue;
        const ref = { file: file.path, line: r.span.start.line + 1, rule: rule.title, text: r.text };
        const list = out.get(id);
        if (list) list.push(ref);
        else out.set(id, [ref]);
      }
    }
  }
  return out;
}

export function migrationReport(from: AttackIndex, to: AttackIndex, files: readonly ParsedRuleFile[], domain: Domain = 'enterprise-attack'): MigrationReport {
  const refs = techniqueReferences(files);
  const report = {
    domain,
    from: from.domain(domain)?.version ?? '?',
    to: to.domain(domain)?.version ?? '?',
    rules: files.reduce((n, f) => n + f.rules.length, 0),
    techniques: 0,
    revoked: [] as MigrationReport['revoked'][number][],
    deprecated: [] as MigrationReport['deprecated'][number][],
    removed: [] as MigrationReport['removed'][number][],
    renamed: [] as MigrationReport['renamed'][number][],
    tactics: [] as MigrationReport['tactics'][number][],
    newSubtechniques: [] as MigrationReport['newSubtechniques'][number][],
    tacticTags: tacticTags(from, to, files, domain),
  };
  const parents = new Map<string, MigrationReference[]>();
  const active = (t: Technique | undefined): t is Technique => !!t && !t.revoked && !t.deprecated;
  for (const id of [...refs.keys()].sort()) {
    const references = refs.get(id)!;
    const old = from.technique(id);
    if (!old || old.domain !== domain) continue;
    report.techniques++;
    const parent = parentOf(id) ?? id;
    parents.set(parent, [...(parents.get(parent) ?? []), ...references]);
    const now = to.technique(id);
    if (!active(old)) continue;
    if (!now) {
      report.removed.push({ id, name: old.name, references });
      continue;
    }
    if (now.revoked) {
      const rid = to.replacementOf(id);
      report.revoked.push({ id, name: old.name, replacement: rid ? { id: rid, name: to.fullName(rid) } : null, references });
      continue;
    }
    if (now.deprecated) {
      report.deprecated.push({ id, name: old.name, references });
      continue;
    }
    if (now.name !== old.name) report.renamed.push({ id, from: old.name, to: now.name, references });
    const added = now.tactics.filter((t) => !old.tactics.includes(t));
    const removed = old.tactics.filter((t) => !now.tactics.includes(t));
    if (added.length || removed.length) report.tactics.push({ id, name: now.name, added, removed, references });
  }
  for (const [parent, references] of [...parents].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const parentNow = to.technique(parent);
    for (const sub of to.subtechniques(parent)) {
      if (from.technique(sub.id)) continue;
      report.newSubtechniques.push({ parent, parentName: parentNow?.name ?? parent, id: sub.id, name: sub.name, references });
    }
  }
  return report;
}

/** Whether the report lists anything. */
function hasChanges(r: MigrationReport): boolean {
  return r.revoked.length + r.deprecated.length + r.removed.length + r.renamed.length + r.tactics.length + r.newSubtechniques.length + r.tacticTags.length > 0;
}

/** The report for people: one section per kind of change, each technique with where the rules name it. */
export function renderMigrationText(r: MigrationReport, displayPath: (p: string) => string = (p) => p, maxRefs = 5): string {
  const out: string[] = [`ATT&CK ${r.domain} ${r.from} → ${r.to}: ${r.rules} rules naming ${r.techniques} techniques known in ${r.from}.`];
  const where = (refs: readonly MigrationReference[]) => {
    const shown = refs.slice(0, maxRefs).map((x) => `      ${displayPath(x.file)}:${x.line}  ${x.rule}`);
    if (refs.length > maxRefs) shown.push(`      … and ${refs.length - maxRefs} more`);
    return shown;
  };
  const section = <T extends { references: readonly MigrationReference[] }>(title: string, items: readonly T[], line: (x: T) => string, showRefs = true) => {
    if (!items.length) return;
    out.push('', `${title} (${items.length}):`);
    for (const x of items) {
      out.push(`  ${line(x)}`);
      if (showRefs) out.push(...where(x.references));
    }
  };
  section('Revoked', r.revoked, (x) => `${x.id} ${x.name} → ${x.replacement ? `${x.replacement.id} ${x.replacement.name}` : 'no replacement'}`);
  section('Deprecated', r.deprecated, (x) => `${x.id} ${x.name}`);
  section('Removed', r.removed, (x) => `${x.id} ${x.name}`);
  section('Renamed', r.renamed, (x) => `${x.id} "${x.from}" → "${x.to}"`);
  section('Tactics changed', r.tactics, (x) => `${x.id} ${x.name}: ${[...x.added.map((t) => `+${t}`), ...x.removed.map((t) => `-${t}`)].join(' ')}`);
  section('New sub-techniques under techniques the rules use', r.newSubtechniques, (x) => `${x.id} ${x.name} (under ${x.parent} ${x.parentName}, named by ${x.references.length} reference${x.references.length === 1 ? '' : 's'})`, false);
  if (r.tacticTags.length) {
    out.push('', `Tactics renamed or removed (${r.tacticTags.length} reference${r.tacticTags.length === 1 ? '' : 's'}):`);
    const byRule = new Map<string, TacticTag[]>();
    for (const t of r.tacticTags) {
      const key = `${displayPath(t.file)}\u0000${t.rule}`;
      byRule.set(key, [...(byRule.get(key) ?? []), t]);
    }
    for (const tags of byRule.values()) {
      out.push(`  ${tags[0].rule}  (${displayPath(tags[0].file)})`);
      for (const t of tags) out.push(`      line ${t.line}: ${t.text} (${t.tactic}) → ${t.replacements.length ? t.replacements.join(', ') : 'no replacement'}`);
    }
  }
  if (!hasChanges(r)) out.push('', 'Nothing the rules name changed.');
  return out.join('\n') + '\n';
}
