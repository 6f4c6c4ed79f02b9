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
