import { isHttpUrl } from '../outsideText';
import { EntryKind } from './types';

// ATT&CK identifiers as people write them: `T1059.001`, `t1059.001`, `attack.t1059.001`,
// `T1059/001` (URL form). Everything here is about spelling, not about whether the ID exists.

const ID_PATTERN = /^(?:T\d{4}(?:\.\d{3})?|TA\d{4}|G\d{4}|S\d{4}|C\d{4}|M\d{4}|DET\d{4}|AN\d{4}|DC\d{4})$/;

/** Bare IDs in free text, with word boundaries; global, so reset lastIndex or use matchAll. */
export const ID_IN_TEXT = /\b(?:T\d{4}(?:\.\d{3})?|TA\d{4}|G\d{4}|S\d{4}|C\d{4}|M\d{4}|DET\d{4}|DC\d{4}|AN\d{4})\b/g;

/**
 * How far an ID's spelling may stray from the canonical one and still read as that ID:
 * - `exact`: case, an `attack.` prefix and the URL form `T1059/001` (`attack.t1003.001` → `T1003.001`);
 * - `lenient`: also `_` or `-` before a sub-technique (`t1059_001`), as rule formats are read;
 * - `any`: also a short or spaced sub-technique number (`T1059.1`, `T1059 001`), to name the ID a slip meant.
 */
export type IdSpelling = 'exact' | 'lenient' | 'any';

const LOOSE_TECHNIQUE: Readonly<Record<Exclude<IdSpelling, 'exact'>, RegExp>> = {
  lenient: /^t(\d{4})(?:[./_-](\d{3}))?$/i,
  any: /^t(\d{4})(?:[.\-_/ ]?(\d{1,3}))?$/i,
};

/** The canonical form of an ID (`T1059.001`, `TA0002`, `G0016`), or undefined when the text does not read as one. The one ID normaliser. */
export function normalizeId(text: string, spelling: IdSpelling = 'exact'): string | undefined {
  let s = text.trim();
  if (spelling !== 'exact') {
    const technique = LOOSE_TECHNIQUE[spelling].exec(s);
    if (technique) return technique[2] ? `T${technique[1]}.${technique[2].padStart(3, '0')}` : `T${technique[1]}`;
  }
  if (/^attack\./i.test(s)) s = s.slice(7);
  s = s.toUpperCase().replace(/^(T\d{4})\/(\d{3})$/, '$1.$2');
  return ID_PATTERN.test(s) ? s : undefined;
}

/** What kind of entry an ID names, by its prefix (the ID need not exist). */
export function kindOfId(id: string): EntryKind | undefined {
  if (/^T\d{4}/.test(id)) return 'technique';
  if (id.startsWith('TA')) return 'tactic';
  if (id.startsWith('G')) return 'group';
  if (id.startsWith('S')) return 'software';
  if (id.startsWith('C')) return 'campaign';
  if (id.startsWith('M')) return 'mitigation';
  if (id.startsWith('DET')) return 'detection-strategy';
  if (id.startsWith('AN')) return 'analytic';
  if (id.startsWith('DC')) return 'data-component';
  return undefined;
}

export function parentOf(techniqueId: string): string | undefined {
  const dot = techniqueId.indexOf('.');
  return dot > 0 ? techniqueId.slice(0, dot) : undefined;
}

const DEFAULT_SITE = 'https://attack.mitre.org';

/** A site base URL without its trailing slashes when it is an absolute http(s) URL; undefined otherwise (javascript:, command:, file:, relative, not a string). */
export function httpBaseUrl(base: unknown): string | undefined {
  if (typeof base !== 'string') return undefined;
  const trimmed = base.trim().replace(/\/+$/, '');
  return isHttpUrl(trimmed) ? trimmed : undefined;
}

/** attack.mitre.org path for an ID, relative to a configurable site base (the ATT&CK site when that is not http(s)). */
export function attackUrl(id: string, base = DEFAULT_SITE): string {
  const root = httpBaseUrl(base) ?? DEFAULT_SITE;
  const kind = kindOfId(id);
  switch (kind) {
    case 'technique':
      return `${root}/techniques/${id.replace('.', '/')}/`;
    case 'tactic':
      return `${root}/tactics/${id}/`;
    case 'group':
      return `${root}/groups/${id}/`;
    case 'software':
      return `${root}/software/${id}/`;
    case 'campaign':
      return `${root}/campaigns/${id}/`;
    case 'mitigation':
      return `${root}/mitigations/${id}/`;
    case 'detection-strategy':
      return `${root}/detectionstrategies/${id}/`;
    case 'data-component':
      return `${root}/datacomponents/${id}/`;
    default:
      return `${root}/`;
  }
}

/** "Defense Evasion", "DefenseEvasion", "defense_evasion", "Defense-Evasion" → "defense-evasion". */
export function tacticShortname(text: string): string {
  return text
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .replace(/[\s_]+/g, '-')
    .replace(/-+/g, '-')
    .toLowerCase();
}

export type SigmaTag =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'tactic'; readonly shortname: string }
  /** ID-shaped but of a kind ATT&CK no longer has (`attack.ds0005`, old data sources). */
  | { readonly kind: 'other' }
  /** Starts like a technique ID but is none (`attack.t1059.0001`, `attack.t105`). */
  | { readonly kind: 'bad-id' };

/**
 * What a Sigma `attack.*` tag names: an ID (`attack.t1059.001`, `attack.g0016`, `attack.ta0002`)
 * read with the given spelling, or a tactic by shortname (`attack.execution`). Undefined for
 * tags outside ATT&CK (`cve.*`, `car.*`, `detection.*`) and for text no tag could be.
 */
export function readSigmaTag(tag: string, spelling: IdSpelling): SigmaTag | undefined {
  const m = /^attack\.(.+)$/i.exec(tag.trim());
  if (!m) return undefined;
  const rest = m[1].trim();
  const id = normalizeId(rest, spelling);
  if (id) return { kind: 'id', id };
  if (/^[a-z]{1,3}\d+(?:[._/-]\d+)?$/i.test(rest)) return /^t\d/i.test(rest) ? { kind: 'bad-id' } : { kind: 'other' };
  if (!/^[a-z][a-z _-]*$/i.test(rest)) return undefined;
  return { kind: 'tactic', shortname: tacticShortname(rest) };
}

/** A Sigma tag as SigmaHQ writes it for an ID: `attack.t1059.001`. */
export function sigmaTagFor(id: string): string {
  return `attack.${id.toLowerCase()}`;
}
