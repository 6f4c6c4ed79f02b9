import { AttackIndex } from '../attack/index';
import { AttackEntry } from '../attack/types';
import { AttackReference } from '../rules/types';
import { finding, Finding, Fix, TextEdit } from './findings';
import { closestIds, deprecationReplacements } from './suggestions';
import { isNewerId } from './newerThanData';

// Whether the ID a reference names exists and is current: unknown, revoked, deprecated.
// Format-specific spelling of replacements comes from `rewrite`, which turns a new ID into the
// edits for this reference (Sigma writes attack.t1059.001; Elastic also updates name and URL).

/** The edits for one new ID; `alreadyThere` when the rule names it already, so the edits remove this reference instead. */
export type Rewrite = (newId: string) => readonly TextEdit[] | { readonly edits: readonly TextEdit[]; readonly alreadyThere: string };

/** A fix titled `title`, or "Remove X (Y is already tagged)" when the rewrite removes the reference. */
function fixTo(ref: AttackReference, rewritten: ReturnType<Rewrite>, title: string, alreadyThere: (spelled: string) => string): Fix {
  if ('alreadyThere' in rewritten) return { title: `Remove ${ref.text} (${alreadyThere(rewritten.alreadyThere)})`, edits: rewritten.edits };
  return { title, edits: rewritten };
}

export function label(e: AttackEntry): string {
  return `${e.id} (${e.name})`;
}

/** A reference the data lacks that reads as a newer release's (src/checks/newerThanData.ts): `what` is the ID or tactic as the message names it. */
export function newerThanDataFinding(index: AttackIndex, ref: AttackReference, what: string): Finding {
  return finding('attack-lens/newer-than-data', `${what} looks newer than the loaded ${index.versionLabel}: update the ATT&CK data to check it`, ref.span, [], { ref });
}

export function checkEntry(index: AttackIndex, ref: AttackReference, id: string, rewrite: Rewrite, out: Finding[]): AttackEntry | undefined {
  const entry = index.get(id);
  if (!entry) {
    if (isNewerId(index, id)) {
      out.push(newerThanDataFinding(index, ref, id));
      return undefined;
    }
    const fixes: Fix[] = closestIds(index, id, ref.context?.name?.text).map((s) => ({
      ...fixTo(ref, rewrite(s.id), `Change to ${s.id} (${s.why})`, (t) => `${t} is already tagged`),
      ...(s.strong ? { isPreferred: true } : {}),
    }));
    out.push(finding('attack-lens/unknown-id', `${id} is not in ${index.versionLabel}; your data may be older than your rules`, ref.span, fixes, { ref }));
    return undefined;
  }
  if (entry.revoked) {
    const replacement = index.replacementOf(entry.id);
    const to = replacement ? index.get(replacement) : undefined;
    const message = to
      ? `${label(entry)} was revoked in ATT&CK; it is now ${label(to)}`
      : `${label(entry)} was revoked in ATT&CK and has no replacement`;
    const fixes: Fix[] = to ? [{ ...fixTo(ref, rewrite(to.id), `Replace with ${label(to)}`, (t) => `its replacement ${t} is already tagged`), isPreferred: true }] : [];
    out.push(finding('attack-lens/revoked', message, ref.span, fixes, { ref, retired: true }));
    return entry;
  }
  if (entry.deprecated) {
    const instead = deprecationReplacements(index, entry);
    const fixes: Fix[] = instead.map((r) => fixTo(ref, rewrite(r), `Replace with ${label(index.get(r)!)}`, (t) => `${t}, which ATT&CK suggests instead, is already tagged`));
    const hint = instead.length ? `; ATT&CK suggests ${instead.join(', ')}` : '';
    out.push(finding('attack-lens/deprecated', `${label(entry)} is deprecated in ${index.versionLabel}${hint}`, ref.span, fixes, { ref, retired: true }));
  }
  return entry;
}
