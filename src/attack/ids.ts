import { isHttpUrl } from '../outsideText';
import { EntryKind } from './types';

// ATT&CK identifiers as people write them: `T1059.001`, `t1059.001`, `attack.t1059.001`,
// `T1059/001` (URL form). Everything here is about spelling, not about whether the ID exists.

export const ID_PATTERN = /^(?:T\d{4}(?:\.\d{3})?|TA\d{4}|G\d{4}|S\d{4}|C\d{4}|M\d{4}|DET\d{4}|AN\d{4}|DC\d{4})$/;

/** Bare IDs in free text, with word boundaries; global, so reset lastIndex or use matchAll. */
export const ID_IN_TEXT = /\b(?:T\d{4}(?:\.\d{3})?|TA\d{4}|G\d{4}|S\d{4}|C\d{4}|M\d{4})\b/g;

/** Canonical form of an ID, or undefined when the text is not ID-shaped. */
export function normalizeId(text: string): string | undefined {
  let s = text.trim();
  if (/^attack\./i.test(s)) s = s.slice(7);
  s = s.toUpperCase().replace(/^(T\d{4})\/(\d{3})$/, '$1.$2');
  return ID_PATTERN.test(s) ? s : undefined;
}

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

/** "Defense Evasion", "DefenseEvasion", "defense_evasion" → "defense-evasion". */
export function tacticShortname(text: string): string {
  return text
    .trim()
    .replace(/([a-z])([A-Z])/g, '$1-$2')
    .replace(/[\s_]+/g, '-')
    .toLowerCase();
}
