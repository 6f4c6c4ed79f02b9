import { LogSourceRef } from '../attack/types';
import { WINDOWS_EVENT_TABLES } from '../rules/logSources';
import { SkeletonFormat, SkeletonLogSource } from '../rules/skeletons';
import { TelemetryMappings } from './telemetry';

// What a new rule for a visible gap should read, in its format's words: the telemetry mappings
// (src/coverage/telemetry-mappings.json and the user's) read backwards from the collected log
// source the Priority gaps view names (its data component, ATT&CK log source name and channel).
// Of the format's values that map to that data component, the one whose words share most with
// the log source's ("Sysmon EventID 1" for `WinEventLog:Sysmon EventCode=1`) wins; then the one
// with fewest other words, then the most specific (fewest data components), then by name. Sigma
// prefers a category (what Sigma rules mostly name) to a service.

/** Lower-cased words of a value or log source: camelCase, `:`, `/`, `_`, `=` split; EventCode is EventID. */
function words(s: string): string[] {
  return s
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .map((w) => (w === 'eventcode' ? 'eventid' : w));
}

// Values come from data files a user may write: only those that read as plain words in the format
// reach a skeleton (no line breaks, quotes or operators to escape in YAML, TOML, KQL or YARA-L).
const PLAIN: Readonly<Record<SkeletonFormat, RegExp>> = {
  sigma: /^[a-z]+:[A-Za-z0-9_.\-/]+(?::\d+)?$/,
  splunk: /^[A-Za-z0-9 _.,\-/()]+$/,
  elastic: /^[a-z.]+:[A-Za-z0-9_.\-*]+$/,
  // A table as the parser reads a KQL query's first word: capitalised (ASIM's imFileEvent() functions are not tables).
  sentinel: /^[A-Za-z]+:[A-Z][A-Za-z0-9_]*(?::\d+)?$/,
  yaral: /^[a-z_]+:[A-Z0-9_]+$/,
};

interface Candidate {
  readonly value: string;
  readonly components: number;
}

/** The format's values (without `<format>:`) that map to `dataComponent`, starting with `prefix` when given. */
function candidates(mappings: TelemetryMappings, format: SkeletonFormat, dataComponent: string, prefix = ''): Candidate[] {
  const head = `${format}:${prefix}`;
  const out: Candidate[] = [];
  for (const [key, ids] of mappings.entries) if (key.startsWith(head) && ids.includes(dataComponent) && PLAIN[format].test(key.slice(format.length + 1))) out.push({ value: key.slice(format.length + 1), components: ids.length });
  return out;
}

function best(list: readonly Candidate[], ls: LogSourceRef, prefix = ''): string | undefined {
  const wanted = new Set(words(`${ls.name} ${ls.channel}`));
  const score = (c: Candidate) => {
    const w = words(c.value.slice(prefix.length));
    const shared = w.filter((x) => wanted.has(x)).length;
    return { shared, other: w.length - shared };
  };
  let top: { readonly c: Candidate; readonly s: { shared: number; other: number } } | undefined;
  for (const c of list) {
    const s = score(c);
    const better = !top || s.shared > top.s.shared || (s.shared === top.s.shared && (s.other < top.s.other || (s.other === top.s.other && (c.components < top.c.components || (c.components === top.c.components && c.value < top.c.value)))));
    if (better) top = { c, s };
  }
  return top?.c.value;
}

/** The Sigma product an ATT&CK log source name implies (`WinEventLog:Sysmon` → windows), if any. */
function sigmaProduct(name: string): string | undefined {
  const n = name.toLowerCase();
  if (n.startsWith('wineventlog') || n.startsWith('windows')) return 'windows';
  if (n.startsWith('auditd') || n.startsWith('linux') || n.startsWith('ebpf')) return 'linux';
  if (n.startsWith('macos')) return 'macos';
  return undefined;
}

/** The skeleton's log source for a format, or undefined when no value of the format maps to the log source's data component. */
export function skeletonLogSource(format: SkeletonFormat, ls: LogSourceRef, mappings: TelemetryMappings): SkeletonLogSource | undefined {
  // ATT&CK's text goes into a comment: one line, no control characters.
  const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
  const describes = { logSource: oneLine(ls.channel ? `${ls.name} ${ls.channel}` : ls.name), dataComponent: oneLine(ls.dataComponent) };
  switch (format) {
    case 'sigma': {
      const category = best(candidates(mappings, 'sigma', ls.dataComponent, 'category:'), ls, 'category:');
      if (category) return { format, ...describes, product: sigmaProduct(ls.name), category: category.slice('category:'.length) };
      const service = best(candidates(mappings, 'sigma', ls.dataComponent, 'service:'), ls, 'service:');
      const m = service && /^service:(?:([^/:]+)\/)?([^:]+)(?::(\d+))?$/.exec(service);
      return m ? { format, ...describes, product: m[1] ?? sigmaProduct(ls.name), service: m[2], eventId: m[3] } : undefined;
    }
    case 'splunk': {
      const dataSource = best(candidates(mappings, 'splunk', ls.dataComponent), ls);
      return dataSource ? { format, ...describes, dataSource } : undefined;
    }
    case 'elastic': {
      const category = best(candidates(mappings, 'elastic', ls.dataComponent, 'event.category:'), ls, 'event.category:');
      const index = best(candidates(mappings, 'elastic', ls.dataComponent, 'index:'), ls, 'index:');
      if (!category && !index) return undefined;
      return { format, ...describes, eventCategory: category?.slice('event.category:'.length), index: index?.slice('index:'.length) };
    }
    case 'sentinel': {
      // Only a Windows event table's rows say what they are by EventID (the parser reads `table:SecurityEvent:4688`, never `table:SysmonEvent:1`).
      const tables = candidates(mappings, 'sentinel', ls.dataComponent, 'table:').filter((c) => !/:\d+$/.test(c.value) || WINDOWS_EVENT_TABLES.has(c.value.split(':')[1]));
      const table = best(tables, ls, 'table:');
      const m = table && /^table:([^:]+)(?::(\d+))?$/.exec(table);
      return m ? { format, ...describes, table: m[1], eventId: m[2] } : undefined;
    }
    case 'yaral': {
      const eventType = best(candidates(mappings, 'yaral', ls.dataComponent, 'event_type:'), ls, 'event_type:');
      return eventType ? { format, ...describes, eventType: eventType.slice('event_type:'.length) } : undefined;
    }
  }
}
