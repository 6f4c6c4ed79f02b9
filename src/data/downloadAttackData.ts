import { createHash } from 'crypto';
import { compileBundle } from '../attack/compile';
import { readStixBundle } from '../attack/stix';
import { AttackDataError, COMPILED_FORMAT, CompiledDomain, CompiledIndex, Domain, DOMAINS } from '../attack/types';
import { compareVersions, isReleaseVersion, LATEST, versionsAmong } from '../attack/versions';
import { visibleText } from '../rules/unreadable';
import { download, DownloadLimits, serverText } from './httpDownload';
import { DigestTable, releaseFileName } from './releaseDigests';

export { download } from './httpDownload';

// Downloading ATT&CK releases from MITRE's attack-stix-data repository (or a mirror of it):
// index.json lists each domain's collection and versions; the bundles live at
// <base>/<domain>/<domain>-<version>.json. No vscode import: the Update command and the
// fetch-attack script share it. Every failure is an AttackDataError with a message for people.
// A downloaded file is trusted only through a digest from elsewhere (see verifyDigest).

export interface Release {
  readonly domain: Domain;
  readonly version: string;
  readonly url: string;
  /** The digest index.json lists, if any: from the download server itself, so never enough on its own. */
  readonly sha256?: string;
}

export interface DownloadProgress {
  readonly domain: Domain;
  readonly received: number;
  readonly total?: number;
}

const COLLECTION_NAMES: Readonly<Record<string, Domain>> = {
  'enterprise att&ck': 'enterprise-attack',
  'mobile att&ck': 'mobile-attack',
  'ics att&ck': 'ics-attack',
};

export function trimBase(base: string): string {
  return base.trim().replace(/\/+$/, '');
}

/** Where a release's bundle lives under a base URL (mirrors keep MITRE's layout). */
export function bundleUrl(base: string, domain: Domain, version: string): string {
  return `${trimBase(base)}/${domain}/${domain}-${version}.json`;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Whether stable release `version` comes before `than` ("17.1" before "18.1", "18.9" before "18.10"). */
export function isOlderRelease(version: string, than: string): boolean {
  return isReleaseVersion(version) && isReleaseVersion(than) && compareVersions(version, than) < 0;
}

function domainOfCollection(c: { name?: unknown; versions?: unknown }): Domain | undefined {
  if (typeof c.name === 'string' && COLLECTION_NAMES[c.name.toLowerCase()]) return COLLECTION_NAMES[c.name.toLowerCase()];
  const first = Array.isArray(c.versions) ? (c.versions[0] as { url?: unknown } | undefined) : undefined;
  const url = typeof first?.url === 'string' ? first.url : '';
  return DOMAINS.find((d) => url.includes(`/${d}/`) || url.includes(`${d}-`));
}

/**
 * Every stable release per domain that an attack-stix-data index.json lists (pre-releases such as
 * "11.0-beta" are skipped), newest first. URLs point under `base`, whatever host the index names.
 * @internal Exported for the tests of index.json; the update and fetch-attack use releasesToOffer.
 */
export function listedReleases(indexText: string, base: string, source = 'index.json'): ReadonlyMap<Domain, readonly Release[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(indexText);
  } catch (e) {
    throw new AttackDataError(`not valid JSON (${visibleText((e as Error).message)})`, source);
  }
  const collections = (parsed as { collections?: unknown })?.collections;
  if (!Array.isArray(collections)) throw new AttackDataError('not an ATT&CK collection index (no "collections" list)', source);
  const out = new Map<Domain, Release[]>();
  for (const c of collections as { name?: unknown; versions?: unknown }[]) {
    const domain = c && typeof c === 'object' ? domainOfCollection(c) : undefined;
    // A second collection for a domain already read is ignored, as the first one wins.
    if (!domain || !Array.isArray(c.versions) || out.has(domain)) continue;
    const releases: Release[] = [];
    for (const v of c.versions as { version?: unknown; sha256?: unknown }[]) {
      const version = typeof v?.version === 'string' && isReleaseVersion(v.version) ? v.version : undefined;
      if (!version || releases.some((r) => r.version === version)) continue;
      releases.push({ domain, version, url: bundleUrl(base, domain, version), sha256: typeof v.sha256 === 'string' ? v.sha256.toLowerCase() : undefined });
    }
    if (releases.length) out.set(domain, releases.sort((a, b) => compareVersions(b.version, a.version)));
  }
  if (out.size === 0) throw new AttackDataError('lists no Enterprise, Mobile or ICS ATT&CK release', source);
  return new Map(DOMAINS.filter((d) => out.has(d)).map((d) => [d, out.get(d)!]));
}

/** The newest stable release per domain in an attack-stix-data index.json. */
export function latestReleases(indexText: string, base: string, source = 'index.json'): Release[] {
  return [...listedReleases(indexText, base, source).values()].map((r) => r[0]);
}

/**
 * The releases to offer: the newest per domain, or for a pinned `version` each domain's release of
 * that number; an AttackDataError naming the listed versions when no domain has it.
 */
export function releasesToOffer(indexText: string, base: string, version: string, source = 'index.json'): Release[] {
  const listed = listedReleases(indexText, base, source);
  if (version === LATEST) return [...listed.values()].map((r) => r[0]);
  const chosen = [...listed.values()].flatMap((r) => r.filter((x) => x.version === version));
  if (chosen.length === 0) {
    const all = versionsAmong([...listed.values()].flatMap((r) => r.map((x) => x.version)));
    throw new AttackDataError(`lists no ATT&CK ${version} (it lists ${all.slice(0, 8).join(', ')}${all.length > 8 ? ', …' : ''})`, source);
  }
  return chosen;
}

/** A source of digests that do not come from the download server, named for messages. */
export interface DigestSource {
  /** "MITRE's published digest", "attackLens.update.sha256", … */
  readonly label: string;
  readonly digests: DigestTable;
}

/** A downloaded file no digest source knows: shown to the user, who may accept it. */
export interface UnpinnedFile {
  readonly file: string;
  readonly url: string;
  readonly size: number;
  readonly sha256: string;
}

/** The question put to the user about unpinned files: each file's name, size and SHA-256, and where they came from. */
export function unpinnedPrompt(files: readonly UnpinnedFile[]): { message: string; detail: string } {
  const message = `Accept ${files.length === 1 ? 'an unpinned ATT&CK bundle' : `${files.length} unpinned ATT&CK bundles`}?`;
  const detail = [
    'MITRE published no SHA-256 for these files and attackLens.update.sha256 names none:',
    '',
    ...files.map((f) => `${f.file} (${(f.size / 1e6).toFixed(1)} MB)\nSHA-256 ${f.sha256}`),
    '',
    `Downloaded from ${files.map((f) => f.url).join(', ')}. Accept only if you trust that server or have checked these digests elsewhere.`,
  ].join('\n');
  return { message, detail };
}

export interface Trust {
  readonly sources: readonly DigestSource[];
  /** Asked once for every file no source pins; without it, or when it answers false, they are refused. */
  readonly confirm?: (files: readonly UnpinnedFile[]) => Promise<boolean>;
  /** How the user can pin a refused file, appended to the refusal ("add it to attackLens.update.sha256"). */
  readonly pinHint: string;
}

/** The label of the first source that pins this file to this digest. */
export function pinnedBy(sources: readonly DigestSource[], file: string, digest: string): string | undefined {
  return sources.find((s) => s.digests.get(file) === digest)?.label;
}

/**
 * Checks a downloaded file's SHA-256 (`actual`). A digest the index lists (same server) must match
 * but is not enough; the file is accepted when it matches one of the trust sources (returns its
 * label), refused when sources pin it to another digest, and returned as unpinned (undefined) when
 * none knows it.
 * @internal Exported so tests check digests without a download.
 */
export function verifyDigest(release: Release, actual: string, sources: readonly DigestSource[]): string | undefined {
  if (release.sha256 && release.sha256 !== actual) {
    throw new AttackDataError(`SHA-256 mismatch: the file's digest is ${actual}, the server's index lists ${release.sha256}; refused`, release.url);
  }
  const file = releaseFileName(release.domain, release.version);
  const match = pinnedBy(sources, file, actual);
  if (match) return match;
  const expected = sources.flatMap((s) => (s.digests.has(file) ? [{ label: s.label, digest: s.digests.get(file)! }] : []));
  if (expected.length > 0) {
    const wanted = expected.map((e) => `${e.digest} (${e.label})`).join(' or ');
    throw new AttackDataError(`SHA-256 mismatch: the file's digest is ${actual}, expected ${wanted}; refused`, release.url);
  }
  return undefined;
}

/** Checks that a bundle is ATT&CK data of the expected domain and version, and compiles it. @internal Exported so tests check digests without a download. */
export function verifyAndCompile(release: Release, bytes: Uint8Array): CompiledDomain {
  let bundle: ReturnType<typeof readStixBundle>;
  try {
    bundle = readStixBundle(new TextDecoder().decode(bytes), release.url);
  } catch (e) {
    // The reader quotes the file (JSON.parse's excerpt), and a downloaded one may hold terminal escapes.
    if (e instanceof AttackDataError) throw new AttackDataError(visibleText(e.message));
    throw e;
  }
  if (bundle.domain !== release.domain) throw new AttackDataError(`expected ${release.domain} data but the file holds ${bundle.domain}`, release.url);
  if (bundle.version !== 'unknown' && bundle.version !== release.version) {
    throw new AttackDataError(`expected ATT&CK ${release.version} but the file says ${serverText(bundle.version)}`, release.url);
  }
  return compileBundle({ ...bundle, version: release.version });
}

export interface DownloadReleasesOptions {
  readonly trust: Trust;
  readonly signal?: AbortSignal;
  readonly limits?: Partial<DownloadLimits>;
  readonly onProgress?: (p: DownloadProgress) => void;
}

export interface VerifiedRelease {
  readonly release: Release;
  readonly compiled: CompiledDomain;
  readonly bytes: Uint8Array;
  readonly sha256: string;
  /** The trust source that pinned it, or "confirmed" for a file the user accepted. */
  readonly trustedBy: string;
}

/**
 * Downloads, verifies and compiles the given releases, one after another; files no source pins
 * go to trust.confirm together at the end. Nothing is returned unless every file is accepted.
 */
export async function downloadAndVerify(releases: readonly Release[], options: DownloadReleasesOptions): Promise<VerifiedRelease[]> {
  const done: (Omit<VerifiedRelease, 'trustedBy'> & { trustedBy?: string })[] = [];
  for (const release of releases) {
    const bytes = await download(release.url, {
      signal: options.signal,
      limits: options.limits,
      onChunk: (received, total) => options.onProgress?.({ domain: release.domain, received, total }),
    });
    if (options.signal?.aborted) throw new AttackDataError('download cancelled');
    const sha256 = sha256Hex(bytes);
    const trustedBy = verifyDigest(release, sha256, options.trust.sources);
    done.push({ release, bytes, sha256, trustedBy, compiled: verifyAndCompile(release, bytes) });
  }
  const unpinned = done.filter((d) => d.trustedBy === undefined);
  if (unpinned.length > 0) {
    const files = unpinned.map((d) => ({ file: releaseFileName(d.release.domain, d.release.version), url: d.release.url, size: d.bytes.byteLength, sha256: d.sha256 }));
    const accepted = options.trust.confirm ? await options.trust.confirm(files) : false;
    if (options.signal?.aborted) throw new AttackDataError('download cancelled');
    if (!accepted) {
      const list = files.map((f) => `${f.file} (SHA-256 ${f.sha256})`).join(', ');
      throw new AttackDataError(`not pinned: no published or configured SHA-256 for ${list}, and it was not confirmed; refused. To accept it, ${options.trust.pinHint}`);
    }
  }
  return done.map((d) => ({ ...d, trustedBy: d.trustedBy ?? 'confirmed' }));
}

/** downloadAndVerify, as the compiled index the extension saves and loads. */
export async function downloadReleases(releases: readonly Release[], options: DownloadReleasesOptions): Promise<CompiledIndex> {
  const verified = await downloadAndVerify(releases, options);
  return { format: COMPILED_FORMAT, domains: verified.map((v) => v.compiled) };
}
