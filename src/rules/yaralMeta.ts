// The YARA-L meta keys that hold ATT&CK, and what each holds. One table for the parser
// (src/rules/yaral.ts) and the completion slot reader (src/rules/slots.ts), so a key that can be
// completed is a key that counts for coverage, hover and diagnostics, and the other way round.
//
// Public rule sets spell the keys many ways: Google's curated rules write names
// (`mitre_attack_tactic = "Defense Evasion"`, `mitre_attack_technique = "Valid Accounts: Cloud
// Accounts"`), community rules IDs (`tactic = "TA0006"`, `technique = "T1003.001"`), and older
// community rules one `mitre` key holding tactics and techniques together (`mitre = "execution,
// t1204, t1059"`). Any value may list several items separated by commas.

/** What the values of a meta key name. */
export type YaralMetaContent =
  /** Tactics, as names (`Defense Evasion`), shortnames (`defense_evasion`) or IDs. */
  | 'tactic'
  /** Techniques written as names (`PowerShell`, `Parent: Sub`) or IDs. */
  | 'technique'
  /** Techniques written as IDs (completion offers IDs). */
  | 'technique-id'
  /** Tactics and techniques in one list: words are tactics, IDs say their own kind. */
  | 'mixed';

const KEYS: ReadonlyMap<string, YaralMetaContent> = new Map<string, YaralMetaContent>([
  ['mitre_attack_tactic', 'tactic'],
  ['mitre_attack_tactics', 'tactic'],
  ['mitre_tactic', 'tactic'],
  ['mitre_tactics', 'tactic'],
  ['tactic', 'tactic'],
  ['tactics', 'tactic'],
  ['mitre_attack_technique', 'technique'],
  ['mitre_attack_techniques', 'technique'],
  ['mitre_attack_subtechnique', 'technique'],
  ['mitre_attack_subtechniques', 'technique'],
  ['mitre_technique', 'technique'],
  ['mitre_techniques', 'technique'],
  ['technique', 'technique'],
  ['techniques', 'technique'],
  ['mitre_attack_technique_id', 'technique-id'],
  ['mitre_attack_technique_ids', 'technique-id'],
  ['mitre_attack_subtechnique_id', 'technique-id'],
  ['mitre_attack_subtechnique_ids', 'technique-id'],
  ['mitre_attack_id', 'technique-id'],
  ['mitre_attack_ids', 'technique-id'],
  ['mitre_technique_id', 'technique-id'],
  ['mitre_technique_ids', 'technique-id'],
  ['technique_id', 'technique-id'],
  ['technique_ids', 'technique-id'],
  ['mitre', 'mixed'],
  ['mitre_attack', 'mixed'],
]);

/** What a meta key holds (case-insensitive), or undefined when it holds no ATT&CK. */
export function yaralMetaContent(key: string): YaralMetaContent | undefined {
  return KEYS.get(key.toLowerCase());
}

