import { AttackIndex } from '../attack/index';
import { normalizeId } from '../attack/ids';
import { ReferenceKind } from './types';

// Reading ATT&CK IDs the way rule authors spell them, shared by the format parsers.

/** `T1059.001`, `t1059.001`, `T1059/001`, `t1059_001` → `T1059.001`; other ID kinds upper-cased. */
export function lenientId(text: string): string | undefined {
  const s = text.trim();
  const technique = /^t(\d{4})(?:[./_-](\d{3}))?$/i.exec(s);
  if (technique) return technique[2] ? `T${technique[1]}.${technique[2]}` : `T${technique[1]}`;
  return normalizeId(s);
}

/**
 * The canonical ID for ID-like text people write: `T1059.1`, `t1059`, `T1059-001`, `T1059/001`,
 * `ta0002`, `g0016`. Undefined when the text is not ID-like at all.
 */
export function canonicalIdSpelling(text: string): string | undefined {
  const s = text.trim();
  const technique = /^t(\d{4})(?:[.\-_/ ]?(\d{1,3}))?$/i.exec(s);
  if (technique) return technique[2] ? `T${technique[1]}.${technique[2].padStart(3, '0')}` : `T${technique[1]}`;
  const other = /^(ta|g|s|c|m|det|an|dc)(\d{4})$/i.exec(s);
  if (other) return `${other[1].toUpperCase()}${other[2]}`;
  return normalizeId(s);
}

export function kindOfReference(id: string): ReferenceKind | undefined {
  if (/^T\d/.test(id)) return 'technique';
  if (id.startsWith('TA')) return 'tactic';
  if (id.startsWith('G')) return 'group';
  if (id.startsWith('S')) return 'software';
  if (id.startsWith('C')) return 'campaign';
  if (id.startsWith('M')) return 'mitigation';
  return undefined;
}

/** A tactic's TA ID from a shortname, display name or Sentinel spelling; undefined without an index. */
export function tacticId(text: string, index: AttackIndex | undefined): string | undefined {
  const byId = lenientId(text);
  if (byId?.startsWith('TA')) return byId;
  return index?.tactic(text)?.id;
}

export interface SigmaTagReading {
  readonly kind: ReferenceKind;
  readonly id?: string;
}

/**
 * What a Sigma `attack.*` tag names: `attack.t1059.001` a technique, `attack.g0016` a group,
 * `attack.s0154` software, `attack.execution` a tactic (by shortname). Undefined for tags
 * outside ATT&CK (`cve.*`, `car.*`, `detection.*`) and for ID-shaped tags of kinds ATT&CK
 * no longer has (`attack.ds0005`).
 */
export function readSigmaTag(tag: string, index: AttackIndex | undefined): SigmaTagReading | undefined {
  const m = /^attack\.(.+)$/i.exec(tag.trim());
  if (!m) return undefined;
  const rest = m[1].trim();
  const id = lenientId(rest);
  if (id) {
    const kind = kindOfReference(id);
    return kind ? { kind, id } : undefined;
  }
  if (/^[a-z]{1,3}\d+(?:[._/-]\d+)?$/i.test(rest)) {
    return /^t\d/i.test(rest) ? { kind: 'technique' } : undefined;
  }
  if (!/^[a-z][a-z _-]*$/i.test(rest)) return undefined;
  return { kind: 'tactic', id: tacticId(rest, index) };
}
