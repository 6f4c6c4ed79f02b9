import { describeMalformed, MalformedObject, malformedObject } from './stixValidate';
import { AttackDataError, Domain, DOMAINS, parseDataJson } from './types';

// Reading STIX 2.0 / 2.1 bundles into plain records. Only the fields ATT&CK Lens uses are
// typed; everything else is ignored.

interface StixExternalReference {
  readonly source_name?: string;
  readonly external_id?: string;
  readonly url?: string;
}

export interface StixObject {
  readonly type: string;
  readonly id: string;
  readonly name?: string;
  readonly description?: string;
  readonly modified?: string;
  readonly revoked?: boolean;
  readonly x_mitre_deprecated?: boolean;
  readonly x_mitre_version?: string;
  readonly x_mitre_domains?: readonly string[];
  readonly external_references?: readonly StixExternalReference[];
  readonly [field: string]: unknown;
}

export interface StixBundle {
  readonly domain: Domain;
  /** ATT&CK release, e.g. "18.1"; "unknown" when neither the bundle nor its file name says. */
  readonly version: string;
  readonly objects: readonly StixObject[];
  readonly source: string;
  /** Objects left out because a field ATT&CK Lens reads has the wrong type; the caller warns. */
  readonly malformed: readonly MalformedObject[];
}

/** The warning a bundle read with objects left out deserves, or undefined. */
export function malformedWarning(bundle: StixBundle): string | undefined {
  return bundle.malformed.length ? `${bundle.source}: ${describeMalformed(bundle.malformed)}` : undefined;
}

const MITRE_SOURCES = new Set(['mitre-attack', 'mitre-mobile-attack', 'mitre-ics-attack']);

export function externalId(o: StixObject): string | undefined {
  for (const ref of o.external_references ?? []) {
    if (ref.source_name && MITRE_SOURCES.has(ref.source_name) && ref.external_id) return ref.external_id;
  }
  return undefined;
}

export function externalUrl(o: StixObject): string | undefined {
  for (const ref of o.external_references ?? []) {
    if (ref.source_name && MITRE_SOURCES.has(ref.source_name) && ref.url) return ref.url;
  }
  return undefined;
}

/** The ATT&CK version a file name carries: `enterprise-attack-18.1.json` → "18.1". */
function versionFromFileName(name: string): string | undefined {
  const m = /(?:^|[-_ v])(\d{1,2}\.\d{1,2})(?:\.\d+)?\.json$/i.exec(name);
  return m?.[1];
}

/**
 * Parses bundle text. Throws AttackDataError (never a bare SyntaxError) when the text is not
 * JSON, not a STIX bundle, or not ATT&CK data, so callers can keep their previous data.
 */
export function readStixBundle(text: string, source: string): StixBundle {
  const raw = parseDataJson(text, source);
  if (!raw || typeof raw !== 'object' || (raw as { type?: unknown }).type !== 'bundle') {
    throw new AttackDataError('not a STIX bundle (expected an object with "type": "bundle")', source);
  }
  const objects = (raw as { objects?: unknown }).objects;
  if (!Array.isArray(objects)) {
    throw new AttackDataError('STIX bundle has no "objects" array', source);
  }
  const valid: StixObject[] = [];
  const malformed: MalformedObject[] = [];
  for (let i = 0; i < objects.length; i++) {
    const problem = malformedObject(objects[i], i);
    if (problem) malformed.push(problem);
    else valid.push(objects[i] as StixObject);
  }
  const domain = detectDomain(valid);
  if (!domain) {
    const skipped = malformed.length ? ` (${describeMalformed(malformed)})` : '';
    throw new AttackDataError(
      `no ATT&CK matrix or techniques found: this bundle is not MITRE ATT&CK data (Enterprise, Mobile or ICS)${skipped}`,
      source,
    );
  }
  const fileName = source.split(/[\\/]/).pop() ?? source;
  const version = collectionVersion(valid) ?? versionFromFileName(fileName) ?? 'unknown';
  return { domain, version, objects: valid, source, malformed };
}

function detectDomain(objects: readonly StixObject[]): Domain | undefined {
  for (const o of objects) {
    if (o.type !== 'x-mitre-matrix' || o.revoked || o.x_mitre_deprecated) continue;
    const id = externalId(o);
    if (id && (DOMAINS as readonly string[]).includes(id)) return id as Domain;
  }
  const votes = new Map<Domain, number>();
  for (const o of objects) {
    if (o.type !== 'attack-pattern') continue;
    for (const d of o.x_mitre_domains ?? []) {
      if ((DOMAINS as readonly string[]).includes(d)) votes.set(d as Domain, (votes.get(d as Domain) ?? 0) + 1);
    }
  }
  let best: Domain | undefined;
  for (const [d, n] of votes) if (!best || n > (votes.get(best) ?? 0)) best = d;
  return best;
}

function collectionVersion(objects: readonly StixObject[]): string | undefined {
  const c = objects.find((o) => o.type === 'x-mitre-collection');
  const v = c?.x_mitre_version;
  return typeof v === 'string' && v ? v : undefined;
}
