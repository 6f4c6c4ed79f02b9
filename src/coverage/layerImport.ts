import { normalizeId } from '../attack/ids';
import { Domain } from '../attack/types';

// Reads ATT&CK Navigator layer files of any 4.x format (4.0–4.5: attack.mitre.org's group and
// software layers, red-team plans, another team's coverage). Only what a profile or a baseline
// needs is kept; everything else in the file is ignored. A file that is not a usable layer gives
// a LayerError whose message names the field at fault (`techniques[3].techniqueID is missing`).

interface ImportedLayerTechnique {
  /** Canonical (`T1059.001`). */
  readonly techniqueID: string;
  /** The tactic shortname the entry is pinned to, when it is. */
  readonly tactic?: string;
  readonly score?: number;
  readonly color?: string;
  readonly comment?: string;
  /** `enabled` defaults to true. */
  readonly enabled: boolean;
  readonly showSubtechniques: boolean;
  /** How many metadata entries the technique carries. */
  readonly metadataCount: number;
}

export interface ImportedLayer {
  readonly name: string;
  readonly description: string;
  /** The layer format: "4.5", or "4.0" for files that only state a top-level `version`. */
  readonly layerVersion: string;
  /** The ATT&CK version the layer was made for, when stated. */
  readonly attackVersion?: string;
  readonly domain: Domain;
  readonly techniques: readonly ImportedLayerTechnique[];
  readonly gradient?: { readonly colors: readonly string[]; readonly minValue: number; readonly maxValue: number };
  readonly legendItems: readonly { readonly label: string; readonly color: string }[];
}

/** Why a file is not a usable layer. `field` is the JSON path at fault (`techniques[3].techniqueID`); empty for the whole file. */
export class LayerError {
  constructor(
    readonly message: string,
    readonly field: string = '',
  ) {}
  toString(): string {
    return this.message;
  }
}

export function isLayerError(x: unknown): x is LayerError {
  return x instanceof LayerError;
}

/** Navigator 4.x domains, and the pre-4.0 names some converted files still carry. */
const DOMAIN_NAMES: Readonly<Record<string, Domain>> = {
  'enterprise-attack': 'enterprise-attack',
  'mobile-attack': 'mobile-attack',
  'ics-attack': 'ics-attack',
  'mitre-enterprise': 'enterprise-attack',
  'mitre-mobile': 'mobile-attack',
  'mitre-ics': 'ics-attack',
};

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const describe = (v: unknown) => (typeof v === 'string' ? `"${v.length > 40 ? v.slice(0, 40) + '…' : v}"` : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v));

/** Parses a layer file's text. Never throws. See parseLayer for `domain`. */
export function parseLayerText(text: string, domain?: Domain): ImportedLayer | LayerError {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return new LayerError(`the file is not valid JSON (${(e as Error).message})`);
  }
  return parseLayer(json, domain);
}

/**
 * Checks a parsed layer object. Never throws. A list of layers (what Navigator 4.5 and
 * `attack-lens coverage --format navigator` write for several domains) gives the layer for
 * `domain`, or the first when none is for it.
 */
export function parseLayer(json: unknown, domain?: Domain): ImportedLayer | LayerError {
  if (Array.isArray(json)) {
    if (json.length === 0) return new LayerError('the file is an empty list of layers');
    const layers: ImportedLayer[] = [];
    for (let i = 0; i < json.length; i++) {
      const layer = parseSingleLayer(json[i]);
      if (layer instanceof LayerError) return new LayerError(`layer ${i + 1} of ${json.length}: ${layer.message}`, `[${i}]${layer.field && !layer.field.startsWith('[') ? '.' : ''}${layer.field}`);
      layers.push(layer);
    }
    return layers.find((l) => l.domain === domain) ?? layers[0];
  }
  return parseSingleLayer(json);
}

function parseSingleLayer(json: unknown): ImportedLayer | LayerError {
  if (!isObject(json)) return new LayerError(`a layer is a JSON object, not ${describe(json)}`);
  if (json.techniques === undefined && Array.isArray(json.layers)) {
    return new LayerError('this is a multi-layer file; export a single layer from Navigator', 'layers');
  }
  const version = layerVersion(json);
  if (version instanceof LayerError) return version;

  if (json.domain === undefined) return new LayerError('domain is missing (expected enterprise-attack, mobile-attack or ics-attack)', 'domain');
  const domain = typeof json.domain === 'string' && Object.hasOwn(DOMAIN_NAMES, json.domain.toLowerCase()) ? DOMAIN_NAMES[json.domain.toLowerCase()] : undefined;
  if (!domain) return new LayerError(`domain ${describe(json.domain)} is not enterprise-attack, mobile-attack or ics-attack`, 'domain');

  if (json.name !== undefined && typeof json.name !== 'string') return new LayerError(`name must be a string, not ${describe(json.name)}`, 'name');
  if (json.description !== undefined && typeof json.description !== 'string') return new LayerError(`description must be a string, not ${describe(json.description)}`, 'description');

  if (json.techniques === undefined) return new LayerError('techniques is missing (expected a list of technique entries)', 'techniques');
  if (!Array.isArray(json.techniques)) return new LayerError(`techniques must be a list, not ${describe(json.techniques)}`, 'techniques');
  const techniques: ImportedLayerTechnique[] = [];
  for (let i = 0; i < json.techniques.length; i++) {
    const t = parseTechnique(json.techniques[i], `techniques[${i}]`);
    if (t instanceof LayerError) return t;
    techniques.push(t);
  }

  const gradient = parseGradient(json.gradient);
  if (gradient instanceof LayerError) return gradient;
  const legendItems = parseLegend(json.legendItems);
  if (legendItems instanceof LayerError) return legendItems;

  const versions = isObject(json.versions) ? json.versions : {};
  const attack = versions.attack;
  return {
    name: typeof json.name === 'string' && json.name.trim() ? json.name.trim() : 'Untitled layer',
    description: typeof json.description === 'string' ? json.description : '',
    layerVersion: version,
    ...(typeof attack === 'string' || typeof attack === 'number' ? { attackVersion: String(attack) } : {}),
    domain,
    techniques,
    ...(gradient ? { gradient } : {}),
    legendItems,
  };
}

function layerVersion(json: Json): string | LayerError {
  let field = 'versions.layer';
  let raw: unknown;
  if (json.versions !== undefined) {
    if (!isObject(json.versions)) return new LayerError(`versions must be an object, not ${describe(json.versions)}`, 'versions');
    raw = json.versions.layer;
    if (raw === undefined && json.version === undefined) return new LayerError('versions.layer is missing (expected "4.0"–"4.5")', field);
  }
  if (raw === undefined) {
    field = 'version';
    raw = json.version;
    if (raw === undefined) return new LayerError('versions.layer is missing (expected "4.0"–"4.5")', 'versions.layer');
  }
  const text = typeof raw === 'number' ? (Number.isInteger(raw) ? raw.toFixed(1) : String(raw)) : typeof raw === 'string' ? raw.trim() : undefined;
  if (text === undefined) return new LayerError(`${field} must be a string like "4.5", not ${describe(raw)}`, field);
  if (!/^4(?:\.\d+){0,2}$/.test(text)) return new LayerError(`${field} "${text}" is not a 4.x layer (open and re-save it in ATT&CK Navigator 4.x or later to upgrade it)`, field);
  return text;
}

function parseTechnique(raw: unknown, at: string): ImportedLayerTechnique | LayerError {
  if (!isObject(raw)) return new LayerError(`${at} must be an object, not ${describe(raw)}`, at);
  if (raw.techniqueID === undefined || raw.techniqueID === '') return new LayerError(`${at}.techniqueID is missing`, `${at}.techniqueID`);
  if (typeof raw.techniqueID !== 'string') return new LayerError(`${at}.techniqueID must be a string, not ${describe(raw.techniqueID)}`, `${at}.techniqueID`);
  const id = normalizeId(raw.techniqueID.trim());
  if (!id || !/^T\d{4}(?:\.\d{3})?$/.test(id)) return new LayerError(`${at}.techniqueID ${describe(raw.techniqueID)} is not a technique ID (like T1059 or T1059.001)`, `${at}.techniqueID`);
  if (raw.tactic !== undefined && typeof raw.tactic !== 'string') return new LayerError(`${at}.tactic must be a string, not ${describe(raw.tactic)}`, `${at}.tactic`);
  // Navigator writes an unscored technique as no score, null, or (older exports) "".
  let score: number | undefined;
  if (typeof raw.score === 'number') {
    if (!Number.isFinite(raw.score)) return new LayerError(`${at}.score must be a finite number`, `${at}.score`);
    score = raw.score;
  } else if (typeof raw.score === 'string' && raw.score.trim() !== '') {
    const n = Number(raw.score);
    if (!Number.isFinite(n)) return new LayerError(`${at}.score must be a number, not ${describe(raw.score)}`, `${at}.score`);
    score = n;
  } else if (raw.score !== undefined && raw.score !== null && raw.score !== '') {
    return new LayerError(`${at}.score must be a number, not ${describe(raw.score)}`, `${at}.score`);
  }
  if (raw.color !== undefined && typeof raw.color !== 'string') return new LayerError(`${at}.color must be a string, not ${describe(raw.color)}`, `${at}.color`);
  if (raw.comment !== undefined && typeof raw.comment !== 'string') return new LayerError(`${at}.comment must be a string, not ${describe(raw.comment)}`, `${at}.comment`);
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') return new LayerError(`${at}.enabled must be true or false, not ${describe(raw.enabled)}`, `${at}.enabled`);
  if (raw.showSubtechniques !== undefined && typeof raw.showSubtechniques !== 'boolean') return new LayerError(`${at}.showSubtechniques must be true or false, not ${describe(raw.showSubtechniques)}`, `${at}.showSubtechniques`);
  if (raw.metadata !== undefined && !Array.isArray(raw.metadata)) return new LayerError(`${at}.metadata must be a list, not ${describe(raw.metadata)}`, `${at}.metadata`);
  const color = typeof raw.color === 'string' && raw.color.trim() ? raw.color : undefined;
  const comment = typeof raw.comment === 'string' && raw.comment.trim() ? raw.comment : undefined;
  return {
    techniqueID: id,
    ...(typeof raw.tactic === 'string' && raw.tactic ? { tactic: raw.tactic } : {}),
    ...(score !== undefined ? { score } : {}),
    ...(color ? { color } : {}),
    ...(comment ? { comment } : {}),
    enabled: raw.enabled !== false,
    showSubtechniques: raw.showSubtechniques === true,
    metadataCount: Array.isArray(raw.metadata) ? raw.metadata.length : 0,
  };
}

function parseGradient(raw: unknown): ImportedLayer['gradient'] | LayerError | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) return new LayerError(`gradient must be an object, not ${describe(raw)}`, 'gradient');
  if (!Array.isArray(raw.colors) || raw.colors.length < 2) return new LayerError('gradient.colors must be a list of at least two colours', 'gradient.colors');
  const bad = raw.colors.findIndex((c) => typeof c !== 'string');
  if (bad >= 0) return new LayerError(`gradient.colors[${bad}] must be a colour string, not ${describe(raw.colors[bad])}`, `gradient.colors[${bad}]`);
  for (const k of ['minValue', 'maxValue'] as const) {
    if (typeof raw[k] !== 'number' || !Number.isFinite(raw[k])) return new LayerError(`gradient.${k} must be a number, not ${describe(raw[k])}`, `gradient.${k}`);
  }
  return { colors: raw.colors as string[], minValue: raw.minValue as number, maxValue: raw.maxValue as number };
}

function parseLegend(raw: unknown): { label: string; color: string }[] | LayerError {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return new LayerError(`legendItems must be a list, not ${describe(raw)}`, 'legendItems');
  const out: { label: string; color: string }[] = [];
  for (let i = 0; i < raw.length; i++) {
    const item = raw[i];
    if (!isObject(item)) return new LayerError(`legendItems[${i}] must be an object, not ${describe(item)}`, `legendItems[${i}]`);
    if (typeof item.label !== 'string') return new LayerError(`legendItems[${i}].label must be a string, not ${describe(item.label)}`, `legendItems[${i}].label`);
    if (typeof item.color !== 'string') return new LayerError(`legendItems[${i}].color must be a string, not ${describe(item.color)}`, `legendItems[${i}].color`);
    out.push({ label: item.label, color: item.color });
  }
  return out;
}

/** Techniques the layer marks (enabled entries), each once, sorted. */
export function layerTechniqueIds(layer: ImportedLayer): string[] {
  return [...new Set(layer.techniques.filter((t) => t.enabled).map((t) => t.techniqueID))].sort();
}
