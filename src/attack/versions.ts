// ATT&CK release versions ("9.0", "18.1", "18.10") and choosing the newest bundle of a domain.

/** Compares ATT&CK versions part by part, as numbers ("9.0" < "18.1", "18.9" < "18.10"); "unknown" sorts first. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isFinite(pa[i]) ? pa[i] : -1;
    const y = Number.isFinite(pb[i]) ? pb[i] : -1;
    if (x !== y) return x - y;
  }
  return 0;
}

/** The newest of each domain's bundles; of two with the same version, the first one given. */
export function newestPerDomain<T extends { readonly domain: string; readonly version: string }>(bundles: Iterable<T>): Map<string, T> {
  const newest = new Map<string, T>();
  for (const bundle of bundles) {
    const prev = newest.get(bundle.domain);
    if (!prev || compareVersions(bundle.version, prev.version) > 0) newest.set(bundle.domain, bundle);
  }
  return newest;
}

/** A stable release number ("18.1"): digits and dots only, so it is safe in a URL path and a file name. */
export function isReleaseVersion(v: string): boolean {
  return /^\d+(\.\d+)*$/.test(v);
}

/** attackLens.attackVersion and `--attack-version`: the newest data available, or one release. */
export const LATEST = 'latest';

/** The setting's value as "latest" or a release number; undefined when it is neither ("v18", "18.1 "). */
export function parseAttackVersion(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '' || value === LATEST) return LATEST;
  return typeof value === 'string' && isReleaseVersion(value) ? value : undefined;
}

/** Each domain's bundle at `wanted` ("latest": the newest of each domain); of two with that version, the first given. */
export function atVersion<T extends { readonly domain: string; readonly version: string }>(bundles: Iterable<T>, wanted: string): Map<string, T> {
  if (wanted === LATEST) return newestPerDomain(bundles);
  const out = new Map<string, T>();
  for (const b of bundles) if (b.version === wanted && !out.has(b.domain)) out.set(b.domain, b);
  return out;
}

/** The distinct release numbers among these, newest first. */
export function versionsAmong(versions: Iterable<string>): string[] {
  return [...new Set(versions)].filter(isReleaseVersion).sort((a, b) => compareVersions(b, a));
}

/** "ATT&CK 16.0 is not available (available: 18.1, 17.1)". */
export function unavailableVersion(wanted: string, available: Iterable<string>): string {
  const list = versionsAmong(available);
  return `ATT&CK ${wanted} is not available (${list.length ? `available: ${list.join(', ')}` : 'no release number is known for the data at hand'})`;
}

/** The version in use against attackLens.attackVersion: the newest, the pinned one, or another because the pinned one is not available. */
export type PinState = { readonly kind: 'latest' } | { readonly kind: 'pinned'; readonly version: string } | { readonly kind: 'unavailable'; readonly wanted: string };

export function pinState(setting: string, inUse: string | undefined): PinState {
  if (setting === LATEST) return { kind: 'latest' };
  return inUse === setting ? { kind: 'pinned', version: setting } : { kind: 'unavailable', wanted: setting };
}
