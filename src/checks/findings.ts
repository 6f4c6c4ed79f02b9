import { AttackReference, Span } from '../rules/types';

// What the ATT&CK checks report: a Finding per problem, with its stable code, default
// severity, where it is and the edits that fix it. Plain data shared by the editor
// (diagnostics, quick fixes), the "Check rules" command and the CLI.

export type FindingSeverity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  readonly edits: readonly TextEdit[];
  /** The single obvious fix: applied by "fix all" and offered first. */
  readonly isPreferred?: boolean;
}

interface RelatedLocation {
  readonly message: string;
  readonly span: Span;
}

export interface Finding {
  readonly code: FindingCode;
  readonly defaultSeverity: FindingSeverity;
  readonly message: string;
  readonly span: Span;
  readonly fixes: readonly Fix[];
  readonly ref?: AttackReference;
  /** Other places in the same file that explain the finding (the parent technique, the tactic block). */
  readonly related?: readonly RelatedLocation[];
  /** The reference names something ATT&CK retired (revoked or deprecated): editors strike it through. */
  readonly retired?: boolean;
}

export interface FindingCodeInfo {
  readonly severity: FindingSeverity;
  readonly meaning: string;
  readonly fix: string;
}

/** Every code the checks emit. Codes are stable: users key severity overrides on them. */
export const FINDING_CODES = {
  'attack-lens/parse-error': { severity: 'error', meaning: 'The YAML/TOML does not parse, so the rule cannot be checked.', fix: '—' },
  'attack-lens/rule-problem': { severity: 'warning', meaning: 'The parser found a structural problem (a field of the wrong type, a missing field).', fix: '—' },
  'attack-lens/unknown-id': { severity: 'error', meaning: 'The ATT&CK ID is not in the loaded ATT&CK data (a typo, or data older than the rule). Information only in generic files (bare IDs in prose).', fix: 'The closest known ID when one is close (same name, parent technique, one digit off).' },
  'attack-lens/newer-than-data': { severity: 'information', meaning: 'The ID or tactic is not in the loaded ATT&CK data but is shaped like one a newer release added: an ID just above the highest of its kind (T1685 or S9001 against v18.1), a sub-technique just above its parent\'s last, or a tactic shortname the data lacks that is no typo of a known one (attack.stealth, Sentinel DefenseImpairment). The Coverage view and the CLI count them; updating the ATT&CK data checks them. Typos stay unknown-id or unknown-tactic: malformed IDs, unknown IDs at or below the highest of their kind (one digit off a known one) or far above it (T1999, T9999), tactic names close to a known one (attack.defence-evasion).', fix: '—' },
  'attack-lens/revoked': { severity: 'warning', meaning: 'The entry was revoked by MITRE and replaced by another.', fix: 'Replace with the replacement (revocation chains followed), in the format\'s spelling.' },
  'attack-lens/deprecated': { severity: 'warning', meaning: 'The entry is deprecated.', fix: 'The techniques its description recommends, when it names any.' },
  'attack-lens/malformed-id': { severity: 'warning', meaning: 'An ID or tactic is not spelled the way the format expects (T1059.1, t1059, T1059-001, Defense Evasion in Sentinel).', fix: 'The canonical spelling.' },
  'attack-lens/tag-format': { severity: 'warning', meaning: 'A Sigma ATT&CK tag is not in canonical form (attack.T1059, attack.t1059.1, attack.defense_evasion, attack.ta0002).', fix: 'The canonical tag (lowercase, .001, hyphenated tactic shortname).' },
  'attack-lens/unknown-tactic': { severity: 'error', meaning: 'The tactic name is not an ATT&CK tactic.', fix: 'The closest tactic name.' },
  'attack-lens/renamed-tactic': { severity: 'warning', meaning: 'The tactic is written the way an older ATT&CK named it, and the loaded version renamed or split it (Defense Evasion became Stealth in v19, with Defense Impairment split off).', fix: 'The tactics the rule\'s techniques have now, among those descending from the old one (the renamed tactic when none does); Elastic threat blocks regrouped per tactic.' },
  'attack-lens/missing-tactic': { severity: 'information', meaning: 'A Sigma technique tag has none of its tactics among the rule\'s tactic tags.', fix: 'Add the tactic tag (one fix per tactic of the technique).' },
  'attack-lens/name-mismatch': { severity: 'warning', meaning: 'Elastic: the technique/tactic name does not match its ID.', fix: 'The name from the ATT&CK data.' },
  'attack-lens/reference-mismatch': { severity: 'warning', meaning: 'Elastic: the reference URL does not match the ID.', fix: 'The canonical URL (https://attack.mitre.org/techniques/T1059/001/).' },
  'attack-lens/unreadable-reference': { severity: 'warning', meaning: 'Text in an ATT&CK slot (or a Sigma `attack.*` tag) cannot be read as a reference, so it counts for nothing: a trailing dot (`attack.t1059.001.`), a zero-width, full-width or look-alike character, non-ASCII digits, a space inside the ID (`T1059 .001`), a YAML alias, a mapping or number where an ID belongs, a bare `T1059` among Sigma tags. Information only in generic files.', fix: 'The repaired reference; preferred when no guess was involved (invisible characters removed, full-width forms and non-ASCII digits made ASCII, trailing dot dropped).' },
  'attack-lens/wrong-kind': { severity: 'error', meaning: 'A slot for one kind of entry holds another (a tactic ID where a technique belongs, a group ID in mitre_attack_id).', fix: '—' },
  'attack-lens/wrong-parent': { severity: 'warning', meaning: 'Elastic: a sub-technique sits under a technique that is not its parent.', fix: '—' },
  'attack-lens/wrong-tactic': { severity: 'warning', meaning: 'Elastic: a technique is listed under a tactic it does not belong to.', fix: '—' },
} as const satisfies Record<string, FindingCodeInfo>;

export type FindingCode = keyof typeof FINDING_CODES;

/**
 * Where the README explains the codes: the anchor of its "Diagnostics and quick fixes" heading,
 * whose table is generated from FINDING_CODES (test/unit/docs-tables.test.ts keeps both true).
 */
export const FINDING_CODES_README_ANCHOR = 'diagnostics-and-quick-fixes';

export function finding(code: FindingCode, message: string, span: Span, fixes: readonly Fix[] = [], extra: Partial<Pick<Finding, 'ref' | 'related' | 'retired'>> = {}): Finding {
  return { code, defaultSeverity: FINDING_CODES[code].severity, message, span, fixes, ...extra };
}

export function replaceFix(title: string, span: Span, newText: string, isPreferred = false): Fix {
  return { title, edits: [{ span, newText }], ...(isPreferred ? { isPreferred } : {}) };
}
