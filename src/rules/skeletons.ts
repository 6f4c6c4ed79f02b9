import { AttackIndex } from '../attack/index';
import { attackUrl } from '../attack/ids';
import { Tactic, Technique } from '../attack/types';
import { sentinelTacticName } from '../checks/spelling';
import { ParsedRuleFile, RuleFormat } from './types';

// Rule skeletons for a priority gap, in the format the workspace mostly uses, pre-tagged with
// the technique and its tactics in that format's spelling. The detection logic is a TODO the
// engineer fills in; the ATT&CK part parses back (parseRuleFile) to the same technique and
// tactics. Splunk ESCU has no tactic field (ESCU derives tactics from the technique), so its
// skeleton names the tactics in a comment only.

export type SkeletonFormat = Exclude<RuleFormat, 'generic'>;
/** @internal Exported so the tests cover every format. */
export const SKELETON_FORMATS: readonly SkeletonFormat[] = ['sigma', 'splunk', 'elastic', 'sentinel', 'yaral'];

export interface RuleSkeleton {
  readonly format: SkeletonFormat;
  /** A file name: `t1059_001_powershell.yml`. */
  readonly fileName: string;
  readonly text: string;
}

export interface SkeletonOptions {
  /** The rule's UUID (default: a random one). */
  readonly id?: string;
  /** ISO date (default: today). */
  readonly date?: string;
  readonly author?: string;
  /** What the rule reads (a visible gap's collected log source in the format's words); the format's default otherwise. */
  readonly logSource?: SkeletonLogSource;
}

/** Where a skeleton's log source came from: an ATT&CK log source (`WinEventLog:Sysmon EventCode=1`) and its data component. */
interface LogSourceOrigin {
  readonly logSource: string;
  readonly dataComponent: string;
}

/** A skeleton's log source, per format, in that format's words (src/coverage/skeletonLogSource.ts finds it). */
export type SkeletonLogSource = LogSourceOrigin &
  (
    | { readonly format: 'sigma'; readonly product?: string; readonly category?: string; readonly service?: string; readonly eventId?: string }
    | { readonly format: 'splunk'; readonly dataSource: string }
    | { readonly format: 'elastic'; readonly index?: string; readonly eventCategory?: string }
    | { readonly format: 'sentinel'; readonly table: string; readonly eventId?: string }
    | { readonly format: 'yaral'; readonly eventType: string }
  );

type LogSourceOf<F extends SkeletonFormat> = Extract<SkeletonLogSource, { format: F }>;

/** The format most of the workspace's rule files use (ties: the order of SKELETON_FORMATS); Sigma when there are none. */
export function dominantFormat(files: readonly ParsedRuleFile[]): SkeletonFormat {
  const counts = new Map<SkeletonFormat, number>();
  for (const f of files) if (f.format !== 'generic' && f.rules.length) counts.set(f.format, (counts.get(f.format) ?? 0) + 1);
  let best: SkeletonFormat = 'sigma';
  let bestCount = 0;
  for (const format of SKELETON_FORMATS) {
    const n = counts.get(format) ?? 0;
    if (n > bestCount) [best, bestCount] = [format, n];
  }
  return best;
}

export function ruleSkeleton(index: AttackIndex, techniqueId: string, format: SkeletonFormat, options: SkeletonOptions = {}): RuleSkeleton | undefined {
  const technique = index.technique(techniqueId);
  if (!technique) return undefined;
  const parent = technique.parent ? index.technique(technique.parent) : undefined;
  const tactics = index.tactics(technique.domain).filter((t) => technique.tactics.includes(t.shortname));
  const ctx: Ctx = {
    index,
    technique,
    parent,
    tactics,
    fullName: index.fullName(technique.id),
    id: options.id ?? randomUuid(),
    date: options.date ?? new Date().toISOString().slice(0, 10),
    author: options.author ?? 'TODO',
    telemetry: index.dataComponentsFor(technique.id).slice(0, 5).map((d) => d.name),
    logSource: options.logSource?.format === format ? options.logSource : undefined,
  };
  const slug = `${technique.id.toLowerCase().replace('.', '_')}_${technique.name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
  switch (format) {
    case 'sigma':
      return { format, fileName: `${slug}.yml`, text: sigma(ctx) };
    case 'splunk':
      return { format, fileName: `${slug}.yml`, text: splunk(ctx) };
    case 'elastic':
      return { format, fileName: `${slug}.toml`, text: elastic(ctx) };
    case 'sentinel':
      return { format, fileName: `${slug}.yaml`, text: sentinel(ctx) };
    case 'yaral':
      return { format, fileName: `${slug}.yaral`, text: yaral(ctx, slug) };
  }
}

interface Ctx {
  readonly index: AttackIndex;
  readonly technique: Technique;
  readonly parent?: Technique;
  readonly tactics: readonly Tactic[];
  readonly fullName: string;
  readonly id: string;
  readonly date: string;
  readonly author: string;
  readonly telemetry: readonly string[];
  readonly logSource?: SkeletonLogSource;
}

const logSourceOf = <F extends SkeletonFormat>(c: Ctx, format: F) => (c.logSource?.format === format ? (c.logSource as LogSourceOf<F>) : undefined);
/** "WinEventLog:Sysmon EventCode=1 (DC0032), collected": why the skeleton reads what it reads. */
const originText = (ls: LogSourceOrigin) => `reads ${ls.logSource} (${ls.dataComponent}), which you collect`;

const yamlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const tomlString = (s: string) => JSON.stringify(s);
const telemetryLine = (c: Ctx) => (c.telemetry.length ? `Telemetry ATT&CK suggests: ${c.telemetry.join(', ')}.` : 'ATT&CK lists no data components for it.');

function sigma(c: Ctx): string {
  const windows = c.technique.platforms.includes('Windows');
  const ls = logSourceOf(c, 'sigma');
  const product = ls?.product ?? (windows ? 'windows' : (c.technique.platforms[0] ?? 'windows').toLowerCase().replace(/\s+/g, '_'));
  const logsource = ls
    ? [`    product: ${product} # ${originText(ls)}`, ...(ls.category ? [`    category: ${ls.category}`] : []), ...(ls.service ? [`    service: ${ls.service}`] : [])]
    : [`    product: ${product}`, '    category: process_creation # TODO'];
  return [
    `title: ${yamlString(`TODO ${c.fullName}`)}`,
    `id: ${c.id}`,
    'status: experimental',
    `description: ${yamlString(`Detects ${c.fullName} (${c.technique.id}). TODO: describe the behaviour. ${telemetryLine(c)}`)}`,
    'references:',
    `    - ${attackUrl(c.technique.id)}`,
    `author: ${yamlString(c.author)}`,
    `date: ${c.date}`,
    'tags:',
    ...c.tactics.map((t) => `    - attack.${t.shortname}`),
    `    - attack.${c.technique.id.toLowerCase()}`,
    'logsource:',
    ...logsource,
    'detection:',
    '    selection:',
    ...(ls?.eventId ? [`        EventID: ${ls.eventId}`] : []),
    ...(ls && ls.category !== 'process_creation' ? ["        TODO|contains: 'TODO' # the field that tells the behaviour"] : ["        CommandLine|contains: 'TODO'"]),
    '    condition: selection',
    'falsepositives:',
    '    - Unknown',
    'level: medium',
    '',
  ].join('\n');
}

function splunk(c: Ctx): string {
  const ls = logSourceOf(c, 'splunk');
  return [
    `name: ${yamlString(`TODO ${c.fullName}`)}`,
    `id: ${c.id}`,
    'version: 1',
    `date: '${c.date}'`,
    `author: ${yamlString(c.author)}`,
    'status: experimental',
    'type: TTP',
    `description: ${yamlString(`Detects ${c.fullName} (${c.technique.id}). TODO: describe the behaviour. ${telemetryLine(c)}`)}`,
    ...(ls ? [`# ATT&CK Lens: ${originText(ls)}`, 'data_source:', `- ${yamlString(ls.dataSource)}`] : ['data_source: []']),
    "search: '| tstats count from datamodel=Endpoint.Processes where Processes.process=\"*TODO*\" by Processes.dest'",
    'how_to_implement: TODO',
    'known_false_positives: Unknown',
    'references:',
    `- ${attackUrl(c.technique.id)}`,
    'tags:',
    '  analytic_story:',
    '  - TODO',
    '  asset_type: Endpoint',
    `  # ATT&CK tactics (ESCU derives them from the technique): ${c.tactics.map((t) => `${t.name} (${t.id})`).join(', ')}`,
    '  mitre_attack_id:',
    `  - ${c.technique.id}`,
    '  product:',
    '  - Splunk Enterprise',
    '  security_domain: endpoint',
    '',
  ].join('\n');
}

function elastic(c: Ctx): string {
  const top = c.parent ?? c.technique;
  const ls = logSourceOf(c, 'elastic');
  const category = ls ? (ls.eventCategory ?? 'any') : 'process';
  const out = [
    '[metadata]',
    `creation_date = "${c.date.replace(/-/g, '/')}"`,
    'maturity = "development"',
    `updated_date = "${c.date.replace(/-/g, '/')}"`,
    '',
    '[rule]',
    `author = [${tomlString(c.author)}]`,
    `description = ${tomlString(`Detects ${c.fullName} (${c.technique.id}). TODO: describe the behaviour. ${telemetryLine(c)}`)}`,
    'from = "now-9m"',
    ...(ls ? [`# ATT&CK Lens: ${originText(ls)}`] : []),
    `index = [${tomlString(ls?.index ?? 'logs-endpoint.events.*')}]`,
    'language = "eql"',
    'license = "Elastic License v2"',
    `name = ${tomlString(`TODO ${c.fullName}`)}`,
    'risk_score = 47',
    `rule_id = "${c.id}"`,
    'severity = "medium"',
    'type = "eql"',
    "query = '''",
    category === 'process' ? 'process where process.name : "TODO"' : `${category} where event.action : "TODO"`,
    "'''",
  ];
  for (const tactic of c.tactics) {
    out.push('', '[[rule.threat]]', 'framework = "MITRE ATT&CK"', '', '[[rule.threat.technique]]', `id = "${top.id}"`, `name = ${tomlString(top.name)}`, `reference = "${attackUrl(top.id)}"`);
    if (c.parent) out.push('', '[[rule.threat.technique.subtechnique]]', `id = "${c.technique.id}"`, `name = ${tomlString(c.technique.name)}`, `reference = "${attackUrl(c.technique.id)}"`);
    out.push('', '[rule.threat.tactic]', `id = "${tactic.id}"`, `name = ${tomlString(tactic.name)}`, `reference = "${attackUrl(tactic.id)}"`);
  }
  return out.join('\n') + '\n';
}

function sentinel(c: Ctx): string {
  const ls = logSourceOf(c, 'sentinel');
  return [
    `id: ${c.id}`,
    `name: ${yamlString(`TODO ${c.fullName}`)}`,
    'description: |',
    `  Detects ${c.fullName} (${c.technique.id}). TODO: describe the behaviour.`,
    `  ${telemetryLine(c)}`,
    'severity: Medium',
    ...(ls ? [`# ATT&CK Lens: ${originText(ls)}`, 'requiredDataConnectors:', `  - connectorId: TODO # the connector that fills ${ls.table}`, '    dataTypes:', `      - ${ls.table}`] : ['requiredDataConnectors: []']),
    'queryFrequency: 1h',
    'queryPeriod: 1h',
    'triggerOperator: gt',
    'triggerThreshold: 0',
    'tactics:',
    ...c.tactics.map((t) => `  - ${sentinelTacticName(t.name)}`),
    'relevantTechniques:',
    `  - ${c.technique.id}`,
    'query: |',
    '  // TODO',
    `  ${ls?.table ?? 'SecurityEvent'}`,
    ...(ls?.eventId ? [`  | where EventID == ${ls.eventId}`] : []),
    ls && ls.table !== 'SecurityEvent' ? '  | where TODO' : '  | where CommandLine has "TODO"',
    'kind: Scheduled',
    'version: 1.0.0',
    '',
  ].join('\n');
}

function yaral(c: Ctx, slug: string): string {
  const name = /^[A-Za-z_]/.test(slug) ? slug : `rule_${slug}`;
  const ls = logSourceOf(c, 'yaral');
  const eventType = ls?.eventType ?? 'PROCESS_LAUNCH';
  return [
    `rule ${name} {`,
    '  meta:',
    `    author = ${JSON.stringify(c.author)}`,
    `    description = ${JSON.stringify(`Detects ${c.fullName} (${c.technique.id}). TODO: describe the behaviour.`)}`,
    `    mitre_attack_tactic = ${JSON.stringify(c.tactics.map((t) => t.name).join(', '))}`,
    `    mitre_attack_technique = "${c.technique.id}"`,
    `    reference = "${attackUrl(c.technique.id)}"`,
    '    severity = "Medium"',
    '',
    '  events:',
    ...(ls ? [`    // ATT&CK Lens: ${originText(ls)}`] : []),
    `    $e.metadata.event_type = ${JSON.stringify(eventType)}`,
    eventType.startsWith('PROCESS_') ? '    $e.target.process.command_line = /TODO/ nocase' : '    $e.principal.hostname = /TODO/ nocase',
    '',
    '  condition:',
    '    $e',
    '}',
    '',
  ].join('\n');
}

function randomUuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  const hex = () => Math.floor(Math.random() * 16).toString(16);
  return 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx'.replace(/x/g, hex);
}
