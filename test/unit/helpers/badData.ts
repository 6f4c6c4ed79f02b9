import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rawObjects } from './attackData';

// Hostile ATT&CK data for the bad-data tests: a real bundle (ICS 18.1, small) with chosen fields
// given the wrong type, and a bundle whose only ATT&CK objects are malformed.

type Raw = Record<string, unknown>;

/** The fields broken in `icsWithMalformedObjects`, one object each, with the ATT&CK ID it had. */
export const BREAKS: readonly { readonly field: string; readonly value: unknown; readonly problem: RegExp }[] = [
  { field: 'name', value: 5, problem: /field name: expected a string/ },
  { field: 'x_mitre_domains', value: 'ics-attack', problem: /field x_mitre_domains: expected a list/ },
  { field: 'external_references', value: 'T0800', problem: /field external_references: expected a list/ },
  { field: 'kill_chain_phases', value: { kill_chain_name: 'mitre-ics-attack', phase_name: 'impact' }, problem: /field kill_chain_phases: expected a list/ },
  { field: 'revoked', value: 'no', problem: /field revoked: expected true or false/ },
];

function attackId(o: Raw): string | undefined {
  const refs = o.external_references as { source_name?: string; external_id?: string }[] | undefined;
  return refs?.find((r) => r.source_name === 'mitre-ics-attack' || r.source_name === 'mitre-attack')?.external_id;
}

/** ICS 18.1 with one active technique per BREAKS entry broken; returns the bundle object and the broken IDs. */
export function icsWithMalformedObjects(): { bundle: Raw; brokenIds: string[]; firstStixId: string } {
  const objects = rawObjects('ics-attack-18.1.json').map((o) => ({ ...o }));
  const techniques = objects.filter((o) => o.type === 'attack-pattern' && !o.revoked && !o.x_mitre_deprecated && attackId(o));
  const brokenIds: string[] = [];
  BREAKS.forEach((b, i) => {
    brokenIds.push(attackId(techniques[i])!);
    techniques[i][b.field] = b.value;
  });
  return { bundle: { type: 'bundle', id: 'bundle--bad-data-test', objects }, brokenIds, firstStixId: String(techniques[0].id) };
}

/** A bundle that would be ATT&CK but for its malformed matrix and technique: refused whole. */
export function allMalformedBundle(): Raw {
  return {
    type: 'bundle',
    id: 'bundle--all-malformed',
    objects: [
      { type: 'x-mitre-matrix', id: 'x-mitre-matrix--1', name: 'Enterprise ATT&CK', external_references: 5 },
      { type: 'attack-pattern', id: 'attack-pattern--1', name: 5, x_mitre_domains: ['enterprise-attack'], external_references: [{ source_name: 'mitre-attack', external_id: 'T1000' }] },
    ],
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `attack-lens-${prefix}-`));
}
