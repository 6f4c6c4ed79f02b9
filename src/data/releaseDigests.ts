import { AttackDataError, Domain, DOMAINS, isRecord, parseDataJson } from '../attack/types';

// Digests a downloaded ATT&CK bundle is checked against, from sources other than the server it came
// from: MITRE's published digests (embedded by the build as dist/release-digests.json) and the
// user's own (attackLens.update.sha256, fetch-attack --accept-sha256). Keys are the bundle's file
// name in attack-stix-data's layout, "enterprise-attack-19.0.json". No vscode import.

/** File name → lower-case hex SHA-256. */
export type DigestTable = ReadonlyMap<string, string>;

export const EMPTY_DIGESTS: DigestTable = new Map();

const HEX64 = /^[0-9a-f]{64}$/i;
// MITRE's tables include pre-releases such as "11.0-beta".
const VERSION = /^\d+(\.\d+)*(-[a-z0-9]+)?$/i;
// Case-sensitive: the update looks names up exactly as attack-stix-data spells them, so a key in
// another case would never match and the user's pin would be ignored without a word.
const FILE_NAME = /^(enterprise|mobile|ics)-attack-\d+(\.\d+)*(-[a-z0-9]+)?\.json$/;

export function releaseFileName(domain: Domain, version: string): string {
  return `${domain}-${version}.json`;
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

/**
 * MITRE's release digests (mitreattack-python's release_info.py as JSON): the STIX21 table
 * `{ "<domain>": { "<version>": "<hex>" } }` with domains enterprise, mobile, ics. Only STIX 2.1
 * digests apply: they are of attack-stix-data's <domain>-attack/<domain>-attack-<version>.json,
 * the files the update downloads. Anything malformed refuses the whole file.
 */
export function parseReleaseDigests(text: string, source: string): DigestTable {
  const parsed = parseDataJson(text, source);
  const table = isRecord(parsed) ? parsed.STIX21 : undefined;
  if (!isRecord(table)) throw new AttackDataError('no "STIX21" table of release digests', source);
  const out = new Map<string, string>();
  for (const [short, versions] of Object.entries(table)) {
    const domain = `${short}-attack` as Domain;
    if (!DOMAINS.includes(domain)) throw new AttackDataError(`STIX21.${short}: not an ATT&CK domain (enterprise, mobile, ics)`, source);
    if (!isRecord(versions)) throw new AttackDataError(`STIX21.${short}: not a table of versions`, source);
    for (const [version, digest] of Object.entries(versions)) {
      if (!VERSION.test(version)) throw new AttackDataError(`STIX21.${short}: "${version.slice(0, 40)}" is not a version number`, source);
      if (!isSha256Hex(digest)) throw new AttackDataError(`STIX21.${short}.${version}: not a SHA-256 (64 hex digits)`, source);
      out.set(releaseFileName(domain, version), digest.toLowerCase());
    }
  }
  return out;
}

/** Serialises a table the way the build writes dist/release-digests.json (read back by parseReleaseDigests). */
export function releaseDigestsJson(table: DigestTable, source: string): string {
  const STIX21: Record<string, Record<string, string>> = {};
  for (const [file, digest] of table) {
    const m = /^(\w+)-attack-(.+)\.json$/.exec(file)!;
    (STIX21[m[1]] ??= {})[m[2]] = digest;
  }
  return JSON.stringify({ source, STIX21 }, null, 1) + '\n';
}

/**
 * The attackLens.update.sha256 setting: `{ "enterprise-attack-19.1.json": "<hex>" }`. A malformed
 * entry throws, naming it: a digest the user meant to pin must not be dropped silently.
 */
export function parseUserDigests(setting: unknown, source = 'attackLens.update.sha256'): DigestTable {
  if (setting === undefined || setting === null) return EMPTY_DIGESTS;
  if (!isRecord(setting)) throw new AttackDataError('must be an object such as { "enterprise-attack-19.1.json": "<64 hex digits>" }', source);
  const out = new Map<string, string>();
  for (const [file, digest] of Object.entries(setting)) {
    const name = JSON.stringify(file.slice(0, 60));
    if (!FILE_NAME.test(file)) throw new AttackDataError(`${name} is not a bundle file name such as "enterprise-attack-19.1.json" (lower case, as in attack-stix-data)`, source);
    if (!isSha256Hex(digest)) throw new AttackDataError(`${name}: not a SHA-256 (64 hex digits)`, source);
    out.set(file, digest.toLowerCase());
  }
  return out;
}
