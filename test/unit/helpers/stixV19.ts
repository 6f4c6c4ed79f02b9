import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../../../src/attack/compile';
import { AttackIndex } from '../../../src/attack/index';
import { readStixBundle } from '../../../src/attack/stix';
import { projectRoot } from './attackData';

// The hand-written pair in test/fixtures/stix-v19/ (see its README): the ATT&CK v19 Defense
// Evasion split in miniature, before (18.1) and after (19.0).

export const STIX_V19_DIR = path.join(projectRoot, 'test', 'fixtures', 'stix-v19');
export const STIX_V19_RULES = path.join(STIX_V19_DIR, 'rules');

/** The raw objects of one of the pair, to change in a test before compiling. */
export function rawV19Objects(version: '18.1' | '19.0'): Record<string, unknown>[] {
  return JSON.parse(fs.readFileSync(path.join(STIX_V19_DIR, `enterprise-attack-${version}.json`), 'utf8')).objects;
}

export function indexOfObjects(objects: readonly Record<string, unknown>[], name = 'test bundle'): AttackIndex {
  return new AttackIndex([compileBundle(readStixBundle(JSON.stringify({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', objects }), name))]);
}

const cache = new Map<string, AttackIndex>();
export function v19Index(version: '18.1' | '19.0'): AttackIndex {
  let i = cache.get(version);
  if (!i) cache.set(version, (i = indexOfObjects(rawV19Objects(version), `enterprise-attack-${version}.json`)));
  return i;
}
