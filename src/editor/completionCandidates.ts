import { AttackIndex } from '../attack/index';
import { AttackSearch } from '../attack/search';
import { AttackEntry, Domain, EntryKind, Tactic } from '../attack/types';
import { sentinelTacticName } from '../checks/spelling';
import { Slot, SlotKind } from '../rules/slots';
import { DetectionRule, ParsedRuleFile, Position, Span } from '../rules/types';
import { fuzzyEntries } from './completionFuzzy';
import { elasticEdits } from './elasticEdits';

// What to offer in an ATT&CK slot, in that format's spelling, best first. No vscode import:
// the completion provider turns candidates into CompletionItems, the benchmark times this.

export interface TextEditPlan {
  readonly span: Span;
  readonly newText: string;
}

export interface Candidate {
  readonly entry: AttackEntry;
  /** The value as the format spells it (`attack.t1059.001`, `T1059.001`, `DefenseEvasion`, `PowerShell`). */
  readonly value: string;
  /** What replaces the slot's range: the value plus any quotes the user has not typed. */
  readonly insertText: string;
  /** Shown after the label: the entry's name, or its ID when the value is the name. */
  readonly labelDetail: string;
  /** Right-aligned: tactics of a technique, the kind of other entries. */
  readonly description: string;
  readonly filterText: string;
  readonly sortText: string;
  /** Elastic: the sibling `name` / `reference` (or `id`) lines brought in line with the choice. */
  readonly additionalEdits: readonly TextEditPlan[];
}

export interface CandidateList {
  readonly items: readonly Candidate[];
  /** True when typing more can bring entries this list does not hold (ask again, don't just filter). */
  readonly incomplete: boolean;
}

export interface CandidateOptions {
  /** Domains whose tactics and techniques are offered (groups and software span domains). */
  readonly domains?: readonly Domain[];
  readonly limit?: number;
  /** Line break to use in inserted lines (Elastic). */
  readonly eol?: string;
  readonly isCancelled?: () => boolean;
  /** IDs the rule already names elsewhere (namedElsewhere): left out, so accepting never doubles a tag. */
  readonly named?: ReadonlySet<string>;
}

const DEFAULT_LIMIT = 200;

const SLOT_KINDS: Readonly<Record<SlotKind, readonly EntryKind[]>> = {
  'sigma-tag': ['tactic', 'technique', 'group', 'software'],
  'splunk-technique': ['technique'],
  'sentinel-tactic': ['tactic'],
  'sentinel-technique': ['technique'],
  'elastic-tactic-id': ['tactic'],
  'elastic-tactic-name': ['tactic'],
  'elastic-technique-id': ['technique'],
  'elastic-technique-name': ['technique'],
  'elastic-subtechnique-id': ['technique'],
  'elastic-subtechnique-name': ['technique'],
  'yaral-tactic': ['tactic'],
  'yaral-technique': ['technique'],
  'yaral-technique-id': ['technique'],
  'yaral-mixed': ['tactic', 'technique', 'group', 'software'],
  'generic-id': ['technique', 'tactic', 'group', 'software', 'campaign', 'mitigation'],
};

const ID_LIKE = /^(?:t|ta|g|s|c|m)\d*(?:\.\d*)?$/i;

/** The part of the prefix that names the entry: without Sigma's `attack.` (or the start of it). */
function queryOf(slot: Slot): { readonly lead: string; readonly query: string } {
  const prefix = slot.prefix;
  if (slot.slot === 'sigma-tag') {
    if (/^attack\./i.test(prefix)) return { lead: prefix.slice(0, 7), query: prefix.slice(7).trim() };
    if (prefix && 'attack.'.startsWith(prefix.toLowerCase())) return { lead: prefix, query: '' };
  }
  return { lead: '', query: prefix.trim() };
}

export function completionCandidates(index: AttackIndex, search: AttackSearch, slot: Slot, options: CandidateOptions = {}): CandidateList {
  const kinds = SLOT_KINDS[slot.slot];
  const limit = options.limit ?? DEFAULT_LIMIT;
  const domains = options.domains?.length ? options.domains : [index.primary?.domain ?? 'enterprise-attack'];
  const { lead, query } = queryOf(slot);
  const idQuery = ID_LIKE.test(query);
  const fits = acceptor(index, slot, kinds, domains);
  const named = options.named;
  const accepts = named?.size ? (e: AttackEntry) => !named.has(e.id) && fits(e) : fits;
  const tacticsOnly = kinds.length === 1 && kinds[0] === 'tactic';

  const found = new Map<string, { entry: AttackEntry; group: number; matched?: string }>();
  const add = (entry: AttackEntry, group: number, matched?: string) => {
    if (!found.has(entry.id) && accepts(entry)) found.set(entry.id, { entry, group, matched });
  };
  if (kinds.includes('tactic')) {
    for (const d of domains) for (const t of index.tactics(d)) if (!query || tacticStarts(t, query)) add(t, 0, t.name);
  }
  if (!query) {
    for (const e of defaultEntries(index, slot, domains)) add(e, 1);
  } else if (idQuery) {
    for (const e of search.byIdPrefix(query, { kinds, limit: limit * 4 })) add(e, 1);
  }
  if (query.length >= 2 && !/\d/.test(query)) {
    for (const hit of fuzzyEntries(index, query, accepts, Math.max(limit, 50))) add(hit.entry, 2, matchedName(index, hit.entry, query));
  }
  if (options.isCancelled?.()) return { items: [], incomplete: true };

  const boost = booster(index, slot);
  const ranked = parentsLead(
    [...found.values()].map((f, order) => ({ ...f, order, boosted: boost(f.entry) ? 0 : 1 })).sort((a, b) => a.group - b.group || a.boosted - b.boosted || a.order - b.order),
  );
  const items: Candidate[] = [];
  for (const r of ranked.slice(0, limit)) items.push(candidate(index, slot, r.entry, lead, r.matched, items.length, query, options.eol ?? '\n'));
  return { items, incomplete: !tacticsOnly || ranked.length > limit };
}

/**
 * Sub-techniques follow their parent: a technique family takes the place of its best-ranked
 * member, the parent (when offered) first, then its sub-techniques in their own order
 * (`kerber`: T1558 Steal or Forge Kerberos Tickets, then T1558.003 Kerberoasting).
 */
function parentsLead<T extends { readonly entry: AttackEntry }>(ranked: readonly T[]): T[] {
  const families = new Map<string, T[]>();
  for (const r of ranked) {
    const key = r.entry.kind === 'technique' ? (r.entry.parent ?? r.entry.id) : `${r.entry.kind}:${r.entry.id}`;
    const family = families.get(key);
    if (!family) families.set(key, [r]);
    else if (r.entry.kind === 'technique' && !r.entry.parent) family.unshift(r);
    else family.push(r);
  }
  return [...families.values()].flat();
}

/** The candidate for one chosen entry (Search ATT&CK), or undefined when the slot cannot hold it. */
export function completionCandidateFor(index: AttackIndex, slot: Slot, entry: AttackEntry, eol = '\n'): Candidate | undefined {
  const accepts = acceptor(index, slot, SLOT_KINDS[slot.slot], [entry.domain]);
  if (!accepts(entry)) return undefined;
  const { lead, query } = queryOf(slot);
  return candidate(index, slot, entry, lead, undefined, 0, query, eol);
}

/**
 * The IDs the slot's rule names outside the slot itself (the value being typed there does not
 * count): the rule whose start is the last one at or above the slot, for files holding several.
 * When the slot's line holds references, only their field counts: YARA-L names a technique in a
 * name field and again in an ID field, and each list is completed on its own.
 */
export function namedElsewhere(parsed: ParsedRuleFile, slot: Span): Set<string> {
  const line = slot.start.line;
  let rule: DetectionRule | undefined;
  for (const r of parsed.rules) if (r.span.start.line <= line && (!rule || r.span.start.line >= rule.span.start.line)) rule = r;
  const refs = rule?.references ?? [];
  const fields = new Set(refs.filter((r) => r.span.start.line <= line && r.span.end.line >= line).map((r) => r.field));
  const out = new Set<string>();
  for (const ref of refs) {
    if (ref.id && !ref.unreadable && !overlaps(ref.span, slot) && (!fields.size || fields.has(ref.field))) out.add(ref.id);
  }
  return out;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function overlaps(a: Span, b: Span): boolean {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** Which entries a slot can hold: active, of the slot's kinds and domains, parents or sub-techniques where Elastic separates them. */
function acceptor(index: AttackIndex, slot: Slot, kinds: readonly EntryKind[], domains: readonly Domain[]): (e: AttackEntry) => boolean {
  return (e) => {
    if (!kinds.includes(e.kind) || !index.isActive(e)) return false;
    if ((e.kind === 'technique' || e.kind === 'tactic') && !domains.includes(e.domain)) return false;
    if (e.kind === 'technique') {
      if (slot.slot.startsWith('elastic-technique')) return !e.isSubtechnique;
      if (slot.slot.startsWith('elastic-subtechnique')) return e.isSubtechnique;
    }
    return true;
  };
}

/** With nothing typed yet: the techniques that fit the slot (parents, or the parent's sub-techniques). */
function defaultEntries(index: AttackIndex, slot: Slot, domains: readonly Domain[]): AttackEntry[] {
  if (!SLOT_KINDS[slot.slot].includes('technique')) return [];
  const parent = slot.elastic?.parentTechniqueId;
  if (slot.slot.startsWith('elastic-subtechnique')) return parent && index.get(parent) ? [...index.subtechniques(parent)] : domains.flatMap((d) => index.activeTechniques(d).filter((t) => t.isSubtechnique));
  return domains.flatMap((d) => index.activeTechniques(d).filter((t) => !t.isSubtechnique));
}

/** Whether a technique (or its parent) belongs to the tactics the rule already names: those rank first. */
function booster(index: AttackIndex, slot: Slot): (e: AttackEntry) => boolean {
  let tactics: readonly string[] = slot.ruleTactics ?? [];
  const elasticTactic = slot.elastic?.tacticId ? index.get(slot.elastic.tacticId) : undefined;
  if (elasticTactic?.kind === 'tactic') tactics = [elasticTactic.shortname];
  const parent = slot.elastic?.parentTechniqueId;
  if (slot.slot.startsWith('elastic-subtechnique') && parent) return (e) => e.kind === 'technique' && e.parent === parent;
  if (slot.slot.startsWith('elastic-tactic') && slot.elastic) {
    const used = new Set(slot.elastic.techniqueIds.flatMap((id) => (index.technique(id)?.tactics ?? []) as string[]));
    return (e) => e.kind === 'tactic' && used.has(e.shortname);
  }
  if (!tactics.length) return () => false;
  return (e) => {
    if (e.kind !== 'technique') return false;
    const parent = e.parent ? index.technique(e.parent) : undefined;
    return (parent ?? e).tactics.some((t) => tactics.includes(t));
  };
}

function normal(s: string): string {
  return s.toLowerCase().replace(/[\s_-]+/g, '');
}

function tacticStarts(t: Tactic, query: string): boolean {
  const q = normal(query);
  return normal(t.name).startsWith(q) || t.name.toLowerCase().split(/\s+/).some((w) => w.startsWith(query.toLowerCase()));
}

/** The name or alias the query matched (so VS Code's filter on `cozy` keeps `APT29` via `Cozy Bear`). */
function matchedName(index: AttackIndex, e: AttackEntry, query: string): string {
  const q = query.toLowerCase();
  const names = [e.name, ...('aliases' in e ? e.aliases : [])];
  if (e.kind === 'technique' && e.parent) names.push(index.fullName(e.id));
  const start = names.find((n) => n.toLowerCase().startsWith(q));
  if (start) return start;
  // From the word it matched (`kerber` → `Kerberos Tickets`): VS Code then scores it like a name that starts so,
  // and the order given here (a parent before its sub-techniques) is the order shown.
  for (const n of names) {
    const at = n.toLowerCase().indexOf(q);
    if (at >= 0) return /[A-Za-z0-9]/.test(n[at - 1] ?? '') ? n : n.slice(at);
  }
  return e.name;
}

/** The entry as the slot's format writes it. */
function spell(index: AttackIndex, slot: SlotKind, e: AttackEntry, query: string): string {
  const byId = ID_LIKE.test(query) && /\d|^ta/i.test(query);
  switch (slot) {
    case 'sigma-tag':
      return e.kind === 'tactic' ? `attack.${e.shortname}` : `attack.${e.id.toLowerCase()}`;
    case 'sentinel-tactic':
      return sentinelTacticName(e.name);
    case 'elastic-tactic-name':
    case 'elastic-technique-name':
    case 'elastic-subtechnique-name':
      return e.name;
    case 'yaral-tactic':
      return byId ? e.id : e.name;
    case 'yaral-mixed':
      return e.kind === 'tactic' && !byId ? e.name : e.id;
    case 'yaral-technique':
      return byId ? e.id : index.fullName(e.id);
    default:
      return e.id;
  }
}

function describe(index: AttackIndex, e: AttackEntry): string {
  if (e.kind === 'technique') return e.tactics.map((s) => index.tactic(s, e.domain)?.name ?? s).join(', ');
  if (e.kind === 'tactic') return `Tactic ${e.id}`;
  if (e.kind === 'software') return e.softwareType === 'tool' ? 'Tool' : 'Malware';
  return e.kind[0].toUpperCase() + e.kind.slice(1);
}

function candidate(index: AttackIndex, slot: Slot, e: AttackEntry, lead: string, matched: string | undefined, rank: number, query: string, eol: string): Candidate {
  const value = spell(index, slot.slot, e, query);
  const valueIsName = value !== e.id && !value.toLowerCase().endsWith(e.id.toLowerCase());
  const name = index.fullName(e.id);
  const extra = slot.elastic ? elasticEdits(slot, e, eol) : { edits: [], appended: '' };
  const filterParts = [matched ? lead + matched : undefined, value, e.id, name, ...(e.kind === 'tactic' ? [e.shortname] : [])];
  return {
    entry: e,
    value,
    insertText: (slot.wrap?.before ?? '') + value + (slot.wrap?.after ?? '') + extra.appended,
    labelDetail: valueIsName ? ` ${e.id}` : ` ${name}`,
    description: describe(index, e),
    filterText: [...new Set(filterParts.filter((p): p is string => !!p))].join(' '),
    sortText: String(rank).padStart(4, '0'),
    additionalEdits: extra.edits,
  };
}
