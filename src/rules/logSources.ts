import type { LogSourceUse } from '../coverage/telemetryTypes';
import { FileLimits } from './limits';
import { RuleFormat, RuleMaturity } from './types';
import { get, scalars, str, YNode } from './yamlTree';

// What a rule reads, in its format's own words, for the parsers: each value is one log source
// the mapping file (src/coverage/telemetry-mappings.json) can name. Every reader is one pass
// over the fields it reads (a query once through one RegExp), and each value counts against the
// file's log-source cap.

/** One rule's log sources as they are found: each value once, in the order first written. */
export class RuleReads {
  private readonly seen = new Set<string>();
  private readonly list: LogSourceUse[] = [];

  constructor(
    private readonly format: RuleFormat,
    private readonly limits: FileLimits,
  ) {}

  add(value: string, at: number): void {
    if (value === '' || this.seen.has(value) || !this.limits.logSource(at)) return;
    this.seen.add(value);
    this.list.push({ format: this.format, value });
  }

  done(): readonly LogSourceUse[] {
    return this.list;
  }
}

/** Maturity fields a YAML rule states, each as written. */
export function yamlMaturity(root: YNode, fields: readonly string[]): RuleMaturity[] {
  const out: RuleMaturity[] = [];
  for (const field of fields) {
    const value = str(get(root, field));
    if (value !== undefined) out.push({ field, value });
  }
  return out;
}

const EVENT_ID_KEY = /^EventID(?:\|.*)?$/;
const EVENT_ID = /^\d{1,6}$/;

/**
 * Sigma `logsource`: `category:<category>` when it names one; otherwise `service:<product>/<service>`
 * one per EventID the detection filters on (`service:windows/security:4688`) when it filters on any,
 * since a Windows channel's events say what they record; `product:<product>` alone says least.
 */
export function sigmaReads(logsource: YNode | undefined, detection: YNode | undefined, reads: RuleReads): void {
  const at = logsource?.start ?? 0;
  const product = str(get(logsource, 'product'))?.toLowerCase();
  const category = str(get(logsource, 'category'))?.toLowerCase();
  const service = str(get(logsource, 'service'))?.toLowerCase();
  // A category says what is read; a service beside it only says through which channel.
  if (category) reads.add(`category:${category}`, at);
  else if (service) {
    const name = `service:${product ? `${product}/` : ''}${service}`;
    const ids = eventIds(detection);
    if (ids.length === 0) reads.add(name, at);
    for (const id of ids) reads.add(`${name}:${id.value}`, id.start);
  }
  if (!category && !service && product) reads.add(`product:${product}`, at);
}

/** The EventID values anywhere in a Sigma detection (`EventID: 4688`, `EventID|startswith:`, lists), each once; walked without recursion. */
function eventIds(detection: YNode | undefined): { value: string; start: number }[] {
  const out: { value: string; start: number }[] = [];
  const seen = new Set<string>();
  const stack: YNode[] = detection ? [detection] : [];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.kind === 'seq') stack.push(...node.items);
    else if (node.kind === 'map') {
      node.keys.forEach((k, i) => {
        const value = node.values[i];
        if (k.kind === 'scalar' && EVENT_ID_KEY.test(k.value)) {
          for (const s of scalars(value)) {
            const v = s.value.trim();
            if (EVENT_ID.test(v) && !seen.has(v)) {
              seen.add(v);
              out.push({ value: v, start: s.start });
            }
          }
        } else if (value) stack.push(value);
      });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Splunk ESCU `data_source` (and `data_sources`): each source as named; `A AND B` reads both. */
export function splunkReads(root: YNode, reads: RuleReads): void {
  for (const key of ['data_source', 'data_sources']) {
    for (const s of scalars(get(root, key))) for (const part of s.value.split(/\s+AND\s+/)) reads.add(part.trim(), s.start);
  }
}

/** The ECS `event.category` values (https://www.elastic.co/guide/en/ecs/current/ecs-allowed-values-event-category.html). */
const ECS_CATEGORIES = 'api|authentication|configuration|database|driver|email|file|host|iam|intrusion_detection|library|malware|network|package|process|registry|session|threat|vulnerability|web';
/** `event.category : "process"`, `event.category:(process or file)`, `event.category == "file"`, `event.category in ("a", "b")`, or an EQL `process where`. */
const ECS_FILTER = new RegExp(`\\bevent\\.category\\s*(?::|==|\\bin\\b)\\s*(\\([^)\\n]{0,200}\\)|"?[a-z_]+"?)|\\b(${ECS_CATEGORIES})\\s+where\\b`, 'g');
const ECS_WORD = new RegExp(`\\b(?:${ECS_CATEGORIES})\\b`, 'g');

/** Elastic: `index` patterns, `[[rule.related_integrations]]` (`package.integration`), and the event categories the query filters on. */
export function elasticReads(rule: Record<string, unknown>, reads: RuleReads): void {
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  for (const i of strings(rule.index)) reads.add(`index:${i.trim()}`, 0);
  if (Array.isArray(rule.related_integrations)) {
    for (const r of rule.related_integrations) {
      const pkg = r && typeof r === 'object' ? (r as Record<string, unknown>).package : undefined;
      const integration = r && typeof r === 'object' ? (r as Record<string, unknown>).integration : undefined;
      if (typeof pkg === 'string') reads.add(`integration:${pkg}${typeof integration === 'string' ? `.${integration}` : ''}`, 0);
    }
  }
  if (typeof rule.query !== 'string') return;
  for (const m of rule.query.matchAll(ECS_FILTER)) {
    if (m[2]) reads.add(`event.category:${m[2]}`, 0);
    else for (const w of m[1].matchAll(ECS_WORD)) reads.add(`event.category:${w[0]}`, 0);
  }
}

/** Where a KQL query's table names stand: at its start, after `;`, `(`, `=` or `union` (with options). */
const KQL_TABLE = /(?:^|[;(=]|\bunion\b(?:\s+\w+\s*=\s*\w+)*)\s*([A-Z][A-Za-z0-9_]*)(?=\s*(?:[|);,]|$))/g;
const KQL_EVENT_IDS = /\bEventI[Dd]\s*(?:==\s*"?(\d{1,6})|in\s*\(([^)]{0,400})\))/g;
/** Tables whose rows are Windows events: a query on them says what it reads by its EventIDs. */
export const WINDOWS_EVENT_TABLES: ReadonlySet<string> = new Set(['SecurityEvent', 'WindowsEvent', 'Event']);

/** Sentinel: `requiredDataConnectors` (`connector:<id>`) and their `dataTypes`, and the tables the query reads (`table:SecurityEvent:4688` for the EventIDs it filters on). */
export function sentinelReads(root: YNode, reads: RuleReads): void {
  const connectors = get(root, 'requiredDataConnectors');
  if (connectors?.kind === 'seq') {
    for (const item of connectors.items) {
      const id = get(item, 'connectorId');
      if (id?.kind === 'scalar' && id.value.trim()) reads.add(`connector:${id.value.trim()}`, id.start);
      for (const t of scalars(get(item, 'dataTypes'))) if (t.value.trim()) reads.add(`dataType:${t.value.trim()}`, t.start);
    }
  }
  const query = get(root, 'query');
  if (query?.kind !== 'scalar') return;
  let ids: string[] | undefined;
  // Comment lines name tables that are not read (`// SecurityEvent is too noisy`).
  const text = query.value.replace(/^[ \t]*\/\/[^\n]*/gm, '').trimStart();
  for (const m of text.matchAll(KQL_TABLE)) {
    const table = m[1];
    if (!WINDOWS_EVENT_TABLES.has(table)) {
      reads.add(`table:${table}`, query.start);
      continue;
    }
    ids ??= kqlEventIds(text);
    if (ids.length === 0) reads.add(`table:${table}`, query.start);
    for (const id of ids) reads.add(`table:${table}:${id}`, query.start);
  }
}

function kqlEventIds(query: string): string[] {
  const out = new Set<string>();
  for (const m of query.matchAll(KQL_EVENT_IDS)) {
    if (m[1]) out.add(m[1]);
    else for (const n of m[2].matchAll(/\d{1,6}/g)) out.add(n[0]);
  }
  return [...out];
}

/** `$e.metadata.event_type = "PROCESS_LAUNCH"` (not `!=`), in a YARA-L rule's text. */
const UDM_EVENT_TYPE = /\.metadata\.event_type\s*(?<![!<>])=\s*"([A-Z_]+)"/g;

/** YARA-L: the UDM event types the events section matches (`event_type:PROCESS_LAUNCH`) and meta `log_type`/`data_source`. */
export function yaralReads(body: string, bodyStart: number, meta: (key: string) => { value: string; start: number } | undefined, reads: RuleReads): void {
  for (const m of body.matchAll(UDM_EVENT_TYPE)) reads.add(`event_type:${m[1]}`, bodyStart + m.index);
  for (const key of ['log_type', 'data_source']) {
    const entry = meta(key);
    if (entry && entry.value.trim()) reads.add(`${key}:${entry.value.trim()}`, entry.start);
  }
}
