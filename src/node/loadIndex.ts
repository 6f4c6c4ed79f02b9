import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../attack/index';
import { compileNewestPerDomain, findStixBundleFiles } from './bundles';

/**
 * The index the CLI uses: bundles named by --stix (compiled on the fly), else the compiled
 * index shipped beside the CLI (dist/attack-index.json), overridable by ATTACK_LENS_INDEX.
 */
export function loadIndexForCli(stix?: string, onSkip?: (file: string, why: string) => void): AttackIndex {
  if (stix) return new AttackIndex(compileNewestPerDomain(findStixBundleFiles(stix), onSkip).domains);
  const file = process.env.ATTACK_LENS_INDEX || path.join(__dirname, 'attack-index.json');
  return AttackIndex.fromJson(fs.readFileSync(file, 'utf8'), file);
}
