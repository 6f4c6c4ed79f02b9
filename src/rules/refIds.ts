import { AttackIndex } from '../attack/index';
import { kindOfId, normalizeId, readSigmaTag } from '../attack/ids';
import { ReferenceKind } from './types';

// ATT&CK IDs as the format parsers count them; the spelling rules are src/attack/ids.ts.

const REFERENCE_KINDS: ReadonlySet<string> = new Set<ReferenceKind>(['technique', 'tactic', 'group', 'software', 'campaign', 'mitigation']);

/** The kind of reference an ID makes in a rule; undefined for kinds rules do not name (detection strategies, analytics, data components). */
export function kindOfReference(id: string): ReferenceKind | undefined {
  const kind = kindOfId(id);
  return kind && REFERENCE_KINDS.has(kind) ? (kind as ReferenceKind) : undefined;
}

/**
 * The kind of entry an ID names in prose (generic files): what the loaded data says it is, by
 * lookup in every loaded domain; for an ID the data lacks (a newer release's DET or S9xxx, a
 * typo), what its prefix says. Any kind ATT&CK has counts, detection strategies, analytics and
 * data components included; the ID pattern is only the first filter.
 */
export function kindInProse(id: string, index: AttackIndex | undefined): ReferenceKind | undefined {
  return index?.get(id)?.kind ?? kindOfId(id);
}

/** A tactic's TA ID from a shortname, display name or Sentinel spelling; undefined without an index. */
export function tacticId(text: string, index: AttackIndex | undefined): string | undefined {
  const byId = normalizeId(text, 'lenient');
  if (byId?.startsWith('TA')) return byId;
  return index?.tactic(text)?.id;
}

export interface SigmaTagReading {
  readonly kind: ReferenceKind;
  readonly id?: string;
}

/**
 * The reference a Sigma `attack.*` tag makes: `attack.t1059.001` a technique, `attack.g0016` a
 * group, `attack.s0154` software, `attack.execution` a tactic (by shortname), `attack.t105` a
 * technique without an ID. Undefined for tags outside ATT&CK and for kinds ATT&CK no longer has.
 */
export function sigmaTagReference(tag: string, index: AttackIndex | undefined): SigmaTagReading | undefined {
  const read = readSigmaTag(tag, 'lenient');
  switch (read?.kind) {
    case 'id': {
      const kind = kindOfReference(read.id);
      return kind ? { kind, id: read.id } : undefined;
    }
    case 'bad-id':
      return { kind: 'technique' };
    case 'tactic':
      return { kind: 'tactic', id: index?.tactic(read.shortname)?.id };
    default:
      return undefined;
  }
}
