import * as fs from 'fs';
import * as path from 'path';
import { AttackDataError } from '../attack/types';
import { DigestTable, EMPTY_DIGESTS, parseReleaseDigests, releaseDigestsJson } from '../data/releaseDigests';

// Build step: MITRE's published release digests (release-digests.json beside the ATT&CK bundles the
// build reads, or ATTACK_LENS_DIGESTS) → dist/release-digests.json, validated, which the Update
// command and fetch-attack check downloads against. The project commits no copy of that data.

export const DIGESTS_FILE = 'release-digests.json';

/** ATTACK_LENS_DIGESTS, else release-digests.json in the first of ATTACK_LENS_STIX, ./data, ../shared/attack that has one. */
function findReleaseDigests(projectRoot: string): string | undefined {
  if (process.env.ATTACK_LENS_DIGESTS) return process.env.ATTACK_LENS_DIGESTS;
  const stix = process.env.ATTACK_LENS_STIX;
  const stixDir = stix && fs.existsSync(stix) && fs.statSync(stix).isFile() ? path.dirname(stix) : stix;
  for (const dir of [stixDir, path.join(projectRoot, 'data'), path.join(projectRoot, '..', 'shared', 'attack')]) {
    if (dir && fs.existsSync(path.join(dir, DIGESTS_FILE))) return path.join(dir, DIGESTS_FILE);
  }
  return undefined;
}

/**
 * Writes the validated digests to outFile; without a source it removes outFile, warns, and pins
 * nothing, unless `required` (the production build, which makes the .vsix): an extension shipped
 * without pins would send every update to the confirmation dialog. Throws AttackDataError on a bad
 * or (when required) missing file.
 */
export function buildReleaseDigests(projectRoot: string, outFile: string, log: (s: string) => void = console.log, required = false): DigestTable {
  const source = findReleaseDigests(projectRoot);
  if (!source) {
    fs.rmSync(outFile, { force: true });
    if (required) throw new AttackDataError(`no ${DIGESTS_FILE} found (set ATTACK_LENS_DIGESTS, or put it beside the bundles); a production build must pin MITRE's release digests`, projectRoot);
    log(`attack-lens: warning: no ${DIGESTS_FILE} found (set ATTACK_LENS_DIGESTS, or put it beside the bundles); no ATT&CK release is pinned, so every update needs a confirmed or configured SHA-256`);
    return EMPTY_DIGESTS;
  }
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (e) {
    throw new AttackDataError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, source);
  }
  const table = parseReleaseDigests(text, source);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, releaseDigestsJson(table, `validated copy of ${path.basename(source)} (MITRE's published STIX 2.1 release digests), written by the build`));
  log(`attack-lens: pinned ${table.size} ATT&CK release digests from ${source} → ${path.relative(projectRoot, outFile)}`);
  return table;
}

/** The digests the build embedded (dist/release-digests.json); empty when the build found none. */
export function readBuiltDigests(file: string): DigestTable {
  if (!fs.existsSync(file)) return EMPTY_DIGESTS;
  return parseReleaseDigests(fs.readFileSync(file, 'utf8'), file);
}
