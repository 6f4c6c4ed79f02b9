import { createHash } from 'crypto';
import { compileBundle } from '../attack/compile';
import { readStixBundle } from '../attack/stix';
import { AttackDataError, COMPILED_FORMAT, CompiledDomain, CompiledIndex, Domain, DOMAINS } from '../attack/types';

// Downloading ATT&CK releases from MITRE's attack-stix-data repository (or a mirror of it):
// index.json lists each domain's collection and versions; the bundles live at
// <base>/<domain>/<domain>-<version>.json. No vscode import: the Update command and the
// fetch-attack script share it. Every failure is an AttackDataError with a message for people.

export interface Release {
  readonly domain: Domain;
  readonly version: string;
  readonly url: string;
  /** Present when the index (or a pinned release file) gives one. */
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

function parseVersion(v: string): number[] | undefined {
  return /^\d+(\.\d+)*$/.test(v) ? v.split('.').map(Number) : undefined;
}

function newer(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return false;
}

function domainOfCollection(c: { name?: unknown; versions?: unknown }): Domain | undefined {
  if (typeof c.name === 'string' && COLLECTION_NAMES[c.name.toLowerCase()]) return COLLECTION_NAMES[c.name.toLowerCase()];
  const first = Array.isArray(c.versions) ? (c.versions[0] as { url?: unknown } | undefined) : undefined;
  const url = typeof first?.url === 'string' ? first.url : '';
  return DOMAINS.find((d) => url.includes(`/${d}/`) || url.includes(`${d}-`));
}

/**
 * The newest stable release per domain in an attack-stix-data index.json (pre-releases such as
 * "11.0-beta" are skipped). URLs point under `base`, whatever host the index names.
 */
export function latestReleases(indexText: string, base: string, source = 'index.json'): Release[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(indexText);
  } catch (e) {
    throw new AttackDataError(`not valid JSON (${(e as Error).message})`, source);
  }
  const collections = (parsed as { collections?: unknown })?.collections;
  if (!Array.isArray(collections)) throw new AttackDataError('not an ATT&CK collection index (no "collections" list)', source);
  const out: Release[] = [];
  for (const c of collections as { name?: unknown; versions?: unknown }[]) {
    const domain = c && typeof c === 'object' ? domainOfCollection(c) : undefined;
    if (!domain || !Array.isArray(c.versions)) continue;
    let best: { version: string; parts: number[]; sha256?: string } | undefined;
    for (const v of c.versions as { version?: unknown; sha256?: unknown }[]) {
      const parts = typeof v?.version === 'string' ? parseVersion(v.version) : undefined;
      if (!parts || (best && !newer(parts, best.parts))) continue;
      best = { version: v.version as string, parts, sha256: typeof v.sha256 === 'string' ? v.sha256.toLowerCase() : undefined };
    }
    if (best) out.push({ domain, version: best.version, url: bundleUrl(base, domain, best.version), sha256: best.sha256 });
  }
  if (out.length === 0) throw new AttackDataError('lists no Enterprise, Mobile or ICS ATT&CK release', source);
  return DOMAINS.flatMap((d) => out.filter((r) => r.domain === d).slice(0, 1));
}

function describeFetchError(url: string, e: unknown): AttackDataError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'AbortError' || err.name === 'TimeoutError') return new AttackDataError(err.name === 'TimeoutError' ? 'download timed out' : 'download cancelled', url);
  const detail = err.cause?.code ?? err.cause?.message ?? err.message;
  return new AttackDataError(`cannot download (${detail}); check the network and the base URL (attackLens.updateBaseUrl, or ATTACK_LENS_STIX_BASE_URL for fetch-attack)`, url);
}

/** GETs a URL as bytes, reporting progress; HTTP errors and network failures become AttackDataError. */
export async function download(url: string, signal?: AbortSignal, onChunk?: (received: number, total?: number) => void): Promise<Uint8Array> {
  let res: Response;
  try {
    res = await fetch(url, { signal, redirect: 'follow' });
  } catch (e) {
    throw describeFetchError(url, e);
  }
  if (!res.ok) throw new AttackDataError(`server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`, url);
  const total = Number(res.headers.get('content-length')) || undefined;
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      onChunk?.(received, total);
    }
  } catch (e) {
    throw describeFetchError(url, e);
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Checks a downloaded bundle (SHA-256 when known; always: it parses as ATT&CK data of the
 * expected domain and version) and compiles it.
 */
export function verifyAndCompile(release: Release, bytes: Uint8Array): CompiledDomain {
  if (release.sha256) {
    const actual = sha256Hex(bytes);
    if (actual !== release.sha256) throw new AttackDataError(`SHA-256 mismatch: expected ${release.sha256}, got ${actual}`, release.url);
  }
  const bundle = readStixBundle(new TextDecoder().decode(bytes), release.url);
  if (bundle.domain !== release.domain) throw new AttackDataError(`expected ${release.domain} data but the file holds ${bundle.domain}`, release.url);
  if (bundle.version !== 'unknown' && bundle.version !== release.version) {
    throw new AttackDataError(`expected ATT&CK ${release.version} but the file says ${bundle.version}`, release.url);
  }
  return compileBundle({ ...bundle, version: release.version });
}

/** Downloads, verifies and compiles the given releases, one after another. */
export async function downloadReleases(
  releases: readonly Release[],
  signal?: AbortSignal,
  onProgress?: (p: DownloadProgress) => void,
): Promise<CompiledIndex> {
  const domains: CompiledDomain[] = [];
  for (const r of releases) {
    const bytes = await download(r.url, signal, (received, total) => onProgress?.({ domain: r.domain, received, total }));
    if (signal?.aborted) throw new AttackDataError('download cancelled');
    domains.push(verifyAndCompile(r, bytes));
  }
  return { format: COMPILED_FORMAT, domains };
}
