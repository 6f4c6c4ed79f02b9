import * as path from 'path';
import { AttackIndex } from '../attack/index';
import { AttackDataError } from '../attack/types';
import { compileNewestPerDomain, findStixBundleFiles } from './bundles';
import { MAX_BUNDLE_BYTES, readRegularFile } from './readRegularFile';

/**
 * The index the CLI uses: bundles named by --stix (compiled on the fly), else the compiled
 * index shipped beside the CLI (dist/attack-index.json), overridable by ATTACK_LENS_INDEX.
 * Unusable input is an AttackDataError naming the file; `onWarning` hears about bundles read
 * without their malformed objects.
 */
export function loadIndexForCli(stix?: string, onSkip?: (file: string, why: string) => void, onWarning?: (message: string) => void): AttackIndex {
  if (stix) return new AttackIndex(compileNewestPerDomain(findStixBundleFiles(stix), onSkip, onWarning).domains);
  const file = process.env.ATTACK_LENS_INDEX || path.join(__dirname, 'attack-index.json');
  const read = readRegularFile(file, MAX_BUNDLE_BYTES);
  if ('refused' in read) throw new AttackDataError(`cannot read the compiled index: ${read.refused}`, file);
  return AttackIndex.fromJson(read.bytes.toString('utf8'), file);
}
