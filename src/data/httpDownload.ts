import { AttackDataError } from '../attack/types';
import { visibleText } from '../rules/unreadable';

// One bounded HTTPS GET for the update path: https only (plain http only to the loopback address,
// for local mirrors and tests), redirects followed by hand under the same rule and a bounded count,
// a cap on the bytes actually received (whatever Content-Length says) and one deadline over the
// whole transfer, stalled bodies included. No vscode import.

export interface DownloadLimits {
  /** Most bytes one download may deliver (after content decoding). */
  readonly maxBytes: number;
  /** Deadline for one download, from the request to its last byte. */
  readonly timeoutMs: number;
  readonly maxRedirects: number;
}

const DEFAULT_LIMITS: DownloadLimits = { maxBytes: 200 * 1_000_000, timeoutMs: 120_000, maxRedirects: 5 };

// Node's timers take at most 2^31 - 1 ms (24.8 days): a longer timeout fires after 1 ms, and past
// 2^32 ms AbortSignal.timeout throws. A longer setting means "no practical limit", so it is cut here.
const LONGEST_TIMER_MS = 2 ** 31 - 1;

export interface DownloadOptions {
  readonly signal?: AbortSignal;
  readonly onChunk?: (received: number, total?: number) => void;
  readonly limits?: Partial<DownloadLimits>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const mb = (bytes: number) => `${Math.round(bytes / 1_000_000)} MB`;

/** Text the server chose (reason phrase, redirect target) as it may appear in a message (fetch-attack prints to a terminal, where ESC sequences act): visibleText, cut to 200 characters. */
export function serverText(text: string): string {
  const shown = visibleText(text);
  return shown.length > 200 ? `${shown.slice(0, 200)}…` : shown;
}

/** Why a URL may not be fetched (not https, or http off the loopback address), or undefined when it may. @internal Exported for the URL-policy tests, which need no server. */
export function transportProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol === 'https:') return undefined;
  if (parsed.protocol === 'http:' && LOOPBACK_HOSTS.has(parsed.hostname)) return undefined;
  return `${parsed.protocol.replace(/:$/, '')} is refused: only https is allowed (plain http only for 127.0.0.1, localhost and [::1])`;
}

function abortReason(url: string, signal: AbortSignal | undefined, timeout: AbortSignal, timeoutMs: number): AttackDataError | undefined {
  if (signal?.aborted) return new AttackDataError('download cancelled', url);
  if (timeout.aborted) return new AttackDataError(`download timed out after ${timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}; refused`, url);
  return undefined;
}

function networkError(url: string, e: unknown): AttackDataError {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const detail = err.cause?.code ?? err.cause?.message ?? err.message;
  return new AttackDataError(`cannot download (${detail}); check the network and the base URL (attackLens.updateBaseUrl, or ATTACK_LENS_STIX_BASE_URL for fetch-attack)`, url);
}

async function fetchFollowingRedirects(url: string, signal: AbortSignal, maxRedirects: number): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const problem = transportProblem(current);
    if (problem) throw new AttackDataError(hop === 0 ? problem : `insecure redirect to ${serverText(current)}: ${problem}`, url);
    const res = await fetch(current, { signal, redirect: 'manual' });
    if (!REDIRECTS.has(res.status)) return res;
    await res.body?.cancel();
    const location = res.headers.get('location');
    if (!location) throw new AttackDataError(`HTTP ${res.status} redirect without a Location`, url);
    if (hop >= maxRedirects) throw new AttackDataError(`more than ${maxRedirects} redirects; refused`, url);
    try {
      current = new URL(location, current).toString();
    } catch {
      throw new AttackDataError(`redirect to an invalid URL`, url);
    }
  }
}

async function readCapped(res: Response, url: string, maxBytes: number, onChunk?: (received: number, total?: number) => void): Promise<Uint8Array> {
  const announced = Number(res.headers.get('content-length')) || undefined;
  if (announced !== undefined && announced > maxBytes) {
    await res.body?.cancel();
    throw new AttackDataError(`the server announces ${mb(announced)}, over the ${mb(maxBytes)} download cap; refused`, url);
  }
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.byteLength;
      if (received > maxBytes) {
        await reader.cancel();
        throw new AttackDataError(`more than ${mb(maxBytes)} received, over the download cap; refused`, url);
      }
      chunks.push(value);
      onChunk?.(received, announced);
    }
  }
  const out = new Uint8Array(received);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** GETs a URL as bytes within the limits; every failure (HTTP status, network, cap, deadline, transport) is an AttackDataError. */
export async function download(url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const timeout = AbortSignal.timeout(Math.min(limits.timeoutMs, LONGEST_TIMER_MS));
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const res = await fetchFollowingRedirects(url, signal, limits.maxRedirects);
    if (!res.ok) {
      await res.body?.cancel();
      throw new AttackDataError(`server answered HTTP ${res.status}${res.statusText ? ` ${serverText(res.statusText)}` : ''}`, url);
    }
    return await readCapped(res, url, limits.maxBytes, options.onChunk);
  } catch (e) {
    const aborted = abortReason(url, options.signal, timeout, limits.timeoutMs);
    if (aborted) throw aborted;
    if (e instanceof AttackDataError) throw e;
    throw networkError(url, e);
  }
}
