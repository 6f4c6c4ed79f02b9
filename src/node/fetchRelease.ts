import * as fs from 'fs';
import * as path from 'path';
import { AttackDataError, Domain } from '../attack/types';
import { isReleaseVersion } from '../attack/versions';
import { bundleUrl, download, downloadAndVerify, latestReleases, pinnedBy, Release, releasesToOffer, sha256Hex, trimBase, Trust, VerifiedRelease } from '../data/downloadAttackData';
import { DownloadLimits } from '../data/httpDownload';
import { releaseFileName } from '../data/releaseDigests';

// fetch-attack's steps: find the releases in the mirror's index.json, then download each bundle
// into a folder, verified against trusted digests, written to a temporary file and renamed over
// the old one only once it passed.

export interface DiscoveredReleases {
  /** Each domain's release of the version asked for ("latest": the newest). */
  readonly offered: readonly Release[];
  /** The newest release per domain the index lists, to say when a newer one exists. */
  readonly newest: readonly Release[];
}

/** Reads `<base>/index.json` (attack-stix-data's list of collections and versions) and picks the releases of `version`. */
export async function discoverReleases(base: string, version: string, limits?: Partial<DownloadLimits>): Promise<DiscoveredReleases> {
  const url = `${trimBase(base)}/index.json`;
  const text = new TextDecoder().decode(await download(url, { limits }));
  return { offered: releasesToOffer(text, base, version, url), newest: latestReleases(text, base, url) };
}

export interface FetchReleaseOptions {
  readonly base: string;
  readonly domain: Domain;
  readonly version: string;
  readonly outDir: string;
  readonly trust: Trust;
  readonly limits?: Partial<DownloadLimits>;
  /** Download even when the file on disk already matches a trusted digest. */
  readonly force?: boolean;
  readonly onChunk?: (received: number, total?: number) => void;
}

export type FetchReleaseResult =
  | { readonly status: 'present'; readonly file: string; readonly sha256: string; readonly trustedBy: string }
  | { readonly status: 'downloaded'; readonly file: string; readonly sha256: string; readonly trustedBy: string; readonly verified: VerifiedRelease };

export async function fetchRelease(o: FetchReleaseOptions): Promise<FetchReleaseResult> {
  // The version becomes part of a path and a URL: "../x" or "18.1.json?x" must not get that far.
  if (!isReleaseVersion(o.version)) throw new AttackDataError(`version ${JSON.stringify(o.version.slice(0, 40))} is not an ATT&CK release number such as 18.1`);
  const name = releaseFileName(o.domain, o.version);
  const dest = path.join(o.outDir, name);
  // Only a regular file is read: through a symlink to /dev/zero or a FIFO the read would never end.
  if (!o.force && fs.statSync(dest, { throwIfNoEntry: false })?.isFile()) {
    const digest = sha256Hex(fs.readFileSync(dest));
    const label = pinnedBy(o.trust.sources, name, digest);
    if (label) return { status: 'present', file: dest, sha256: digest, trustedBy: label };
  }
  const release = { domain: o.domain, version: o.version, url: bundleUrl(o.base, o.domain, o.version) };
  const [verified] = await downloadAndVerify([release], { trust: o.trust, limits: o.limits, onProgress: (p) => o.onChunk?.(p.received, p.total) });
  fs.mkdirSync(o.outDir, { recursive: true });
  const partial = `${dest}.partial`;
  try {
    // A stale partial file, or a symlink planted under that name, is removed rather than written through.
    fs.rmSync(partial, { force: true });
    fs.writeFileSync(partial, verified.bytes, { flag: 'wx' });
    fs.renameSync(partial, dest);
  } catch (e) {
    fs.rmSync(partial, { force: true });
    throw e;
  }
  return { status: 'downloaded', file: dest, sha256: verified.sha256, trustedBy: verified.trustedBy, verified };
}
