import * as path from 'path';
import { AttackIndex } from '../attack/index';
import { AttackDataError } from '../attack/types';
import { indexAtVersion, parseVersionManifest, storedIndexFor, storedVersions, VERSIONS_FILE } from '../attack/versionStore';
import { LATEST, unavailableVersion } from '../attack/versions';
import { compileAtVersion, findStixBundleFiles } from './bundles';
import { MAX_BUNDLE_BYTES, readRegularFile } from './readRegularFile';

function readText(file: string, what: string): string {
  const read = readRegularFile(file, MAX_BUNDLE_BYTES);
  if ('refused' in read) throw new AttackDataError(`cannot read the ${what}: ${read.refused}`, file);
  return read.bytes.toString('utf8');
}

/** A pinned version from the shipped folder: attack-versions.json names the one file that holds it. */
function loadShippedVersion(dir: string, version: string): AttackIndex {
  const manifestFile = path.join(dir, VERSIONS_FILE);
  const manifest = parseVersionManifest(readText(manifestFile, 'list of ATT&CK versions'), manifestFile);
  const entry = storedIndexFor(manifest, version);
  if (!entry) throw new AttackDataError(`${unavailableVersion(version, storedVersions(manifest))}; use --stix with bundles of that release`);
  const file = path.join(dir, entry.file);
  return indexAtVersion(AttackIndex.fromJson(readText(file, 'compiled index'), file), version);
}

/**
 * The index the CLI uses: bundles named by --stix (compiled on the fly), else the compiled
 * index shipped beside the CLI (dist/attack-index.json), overridable by ATTACK_LENS_INDEX.
 * `version` (--attack-version) picks one release among those: the bundles at it, the shipped
 * file that holds it, or the ATTACK_LENS_INDEX domains at it; none is an AttackDataError naming
 * the versions at hand. Unusable input is an AttackDataError naming the file; `onWarning` hears
 * about bundles read without their malformed objects.
 */
export function loadIndexForCli(stix?: string, onSkip?: (file: string, why: string) => void, onWarning?: (message: string) => void, version: string = LATEST): AttackIndex {
  if (stix) return new AttackIndex(compileAtVersion(findStixBundleFiles(stix), version, onSkip, onWarning).domains);
  if (version !== LATEST && !process.env.ATTACK_LENS_INDEX) return loadShippedVersion(__dirname, version);
  const file = process.env.ATTACK_LENS_INDEX || path.join(__dirname, 'attack-index.json');
  const index = AttackIndex.fromJson(readText(file, 'compiled index'), file);
  const pinned = indexAtVersion(index, version);
  if (pinned.domains.length === 0) throw new AttackDataError(unavailableVersion(version, index.domains.map((d) => d.version)), file);
  return pinned;
}
