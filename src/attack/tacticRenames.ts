import { Domain } from './types';

// Tactic renames ATT&CK has made, for when only the newer data is loaded (the editor, `check`).
// A renamed tactic keeps its STIX object and its TA ID; only `x_mitre_shortname` and `name`
// change, and the new bundle keeps no trace of the old ones (no revoked or deprecated tactic
// object, no alias field). Without this table `attack.defense-evasion` against ATT&CK v19 reads
// as an unknown tactic, and the nearest name would be a guess. Two loaded versions (migrate)
// need no table: they are compared directly (src/attack/tacticChanges.ts).
//
// An entry applies only when the loaded data has the tactic (same STIX id) under another
// shortname and no tactic of that domain still has the old one.

export interface KnownTacticRename {
  readonly domain: Domain;
  readonly stixId: string;
  readonly id: string;
  readonly formerShortname: string;
  readonly formerName: string;
  /** The ATT&CK release that made the change. */
  readonly since: string;
  /** Tactics that release split off the old one (TA IDs): replacements too, when the rule's techniques are theirs. */
  readonly splitInto: readonly string[];
}

export const KNOWN_TACTIC_RENAMES: readonly KnownTacticRename[] = [
  // ATT&CK v19 (April 2026): Defense Evasion became Stealth; Defense Impairment (TA0112) took the techniques that disable defences.
  {
    domain: 'enterprise-attack',
    stixId: 'x-mitre-tactic--78b23412-0651-46d7-a540-170a1ce8bd5a',
    id: 'TA0005',
    formerShortname: 'defense-evasion',
    formerName: 'Defense Evasion',
    since: '19.0',
    splitInto: ['TA0112'],
  },
];
