import { AttackIndex } from './index';
import { AttackDataError, CompiledDomain, Domain, DOMAINS, isRecord, parseDataJson } from './types';
import { atVersion, isReleaseVersion, LATEST } from './versions';

// Several ATT&CK versions side by side in one folder (dist/ for the shipped data, global storage
// for the downloaded): attack-index.json holds the newest, attack-index-<version>.json an older
// one, and attack-versions.json lists which domain versions each file holds, so a pinned version
// is found by reading that small list and only the one file it needs. No vscode, no fs: the
// extension and the CLI read the files their own way.

export const VERSIONS_FILE = 'attack-versions.json';
export const LATEST_INDEX_FILE = 'attack-index.json';

/** One compiled index file of the folder and the version of each domain it holds. */
export interface StoredIndex {
  readonly file: string;
  readonly domains: Readonly<Partial<Record<Domain, string>>>;
}

export interface VersionManifest {
  readonly format: 1;
  readonly indexes: readonly StoredIndex[];
}

const INDEX_FILE_NAME = /^attack-index(-\d+(\.\d+)*)?\.json$/;

/** Where an older version's index is kept: attack-index-17.1.json. */
export function versionedIndexFile(version: string): string {
  if (!isReleaseVersion(version)) throw new Error(`not a release number: ${version}`);
  return `attack-index-${version}.json`;
}

export function storedIndex(file: string, domains: readonly Pick<CompiledDomain, 'domain' | 'version'>[]): StoredIndex {
  return { file, domains: Object.fromEntries(domains.map((d) => [d.domain, d.version])) };
}

/** The manifest with `entry` in place of any entry for the same file. */
export function withStoredIndex(manifest: VersionManifest | undefined, entry: StoredIndex): VersionManifest {
  return { format: 1, indexes: [...(manifest?.indexes ?? []).filter((e) => e.file !== entry.file), entry] };
}

export function versionManifestJson(manifest: VersionManifest): string {
  return JSON.stringify(manifest, null, 1) + '\n';
}

/**
 * Reads attack-versions.json. File names are checked (a manifest may not send the reader to
 * another path), and so are domains and versions; anything else refuses the whole file.
 */
export function parseVersionManifest(text: string, source: string): VersionManifest {
  const parsed = parseDataJson(text, source);
  if (!isRecord(parsed) || parsed.format !== 1 || !Array.isArray(parsed.indexes)) throw new AttackDataError('not an ATT&CK Lens version list (format 1 with "indexes")', source);
  const indexes: StoredIndex[] = [];
  for (const entry of parsed.indexes as unknown[]) {
    if (!isRecord(entry) || typeof entry.file !== 'string' || !INDEX_FILE_NAME.test(entry.file) || !isRecord(entry.domains)) {
      throw new AttackDataError('an entry is not { "file": "attack-index….json", "domains": { … } }', source);
    }
    for (const [domain, version] of Object.entries(entry.domains)) {
      if (!DOMAINS.includes(domain as Domain) || typeof version !== 'string') throw new AttackDataError(`${entry.file}: "${domain.slice(0, 40)}" is not an ATT&CK domain with a version`, source);
    }
    indexes.push({ file: entry.file, domains: entry.domains as StoredIndex['domains'] });
  }
  return { format: 1, indexes };
}

/** Every domain version a manifest lists. */
export function storedVersions(manifest: VersionManifest): string[] {
  return manifest.indexes.flatMap((e) => Object.values(e.domains).filter((v): v is string => typeof v === 'string'));
}

/** The file that holds the most domains at `version`; undefined when none holds it. */
export function storedIndexFor(manifest: VersionManifest, version: string): StoredIndex | undefined {
  let best: StoredIndex | undefined;
  let most = 0;
  for (const entry of manifest.indexes) {
    const n = Object.values(entry.domains).filter((v) => v === version).length;
    if (n > most) [best, most] = [entry, n];
  }
  return best;
}

/** The loaded index cut to the domains at `version` (a downloaded index may mix versions); the same index when all are. */
export function indexAtVersion(index: AttackIndex, version: string): AttackIndex {
  if (version === LATEST) return index;
  const domains = [...atVersion(index.domains, version).values()];
  return domains.length === index.domains.length ? index : new AttackIndex(domains);
}
