import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../../../src/attack/compile';
import { AttackIndex } from '../../../src/attack/index';
import { readStixBundle } from '../../../src/attack/stix';
import { index18, projectRoot } from './attackData';

// The synthetic bundle in test/fixtures/stix/ (see its README): unit tests of the core that do not
// need the real ATT&CK data use it, so they run without ../shared.

export const MINI_BUNDLE = path.join(projectRoot, 'test', 'fixtures', 'stix', 'enterprise-attack-mini.json');

let mini: AttackIndex | undefined;
export function miniIndex(): AttackIndex {
  return (mini ??= new AttackIndex([compileBundle(readStixBundle(fs.readFileSync(MINI_BUNDLE, 'utf8'), MINI_BUNDLE))]));
}

/** The synthetic bundle and the real ATT&CK 18.1, for tests whose expectations hold on both. */
export const BOTH_INDEXES: readonly { name: string; index: () => AttackIndex }[] = [
  { name: 'the synthetic bundle', index: miniIndex },
  { name: 'ATT&CK 18.1 (needs ../shared)', index: index18 },
];
