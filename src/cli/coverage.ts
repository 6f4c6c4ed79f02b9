import { AttackIndex } from '../attack/index';
import { ATTACK_VERSION_HELP, indexFromFlags } from './attackVersionFlag';
import { DOMAINS, Domain } from '../attack/types';
import { atomicsCsv, AtomicsIndex, atomicsJson, atomicsMarkdown, atomicTestCount, crossReferenceAtomics, parseAtomicsCsv, testsByTechnique } from '../coverage/atomics';
import { parentOf } from '../attack/ids';
import { csvRow } from '../core/csv';
import { CoverageModel } from '../coverage/model';
import { navigatorLayer } from '../coverage/navigator';
import { rankGaps } from '../coverage/priorities';
import { ThreatProfile } from '../coverage/profile';
import { profileCsv, profileJson, profileMarkdown, profileSummary } from '../coverage/profileReport';
import { jsonWithTelemetry, renderReport, summaryTable } from '../coverage/report';
import { ruleTelemetryLookup, TelemetryMappings } from '../coverage/telemetry';
import { readMappingsFlag } from './mappingsFlag';
import { telemetrySummary } from '../coverage/telemetryReport';
import { techniqueStrengths } from '../coverage/techniqueStrength';
import { ParsedRuleFile } from '../rules/types';
import { walkRuleFiles } from '../node/scanFiles';
import { listFlag, ParsedArgs, parseArgs, stringFlag, UsageError } from './args';
import { checkOutPath, writeOut } from './outFile';
import { CliContext } from './context';
import { displayPath } from './displayPath';
import { parseWalkedFiles } from './parseRules';
import { CACHE_HELP, openCache } from './cacheFlag';
import { readProfileFlag } from './profileFlag';
import { readTelemetryFlag, telemetryStatesForCli } from './telemetryFlag';
import { TelemetryStates } from '../coverage/telemetryStates';
import { MAX_SMALL_FILE_BYTES, readRegularFile } from '../node/readRegularFile';

export const COVERAGE_USAGE =
  'attack-lens coverage <paths...> [--format summary|navigator|json|markdown|csv] [--out FILE] [--platform P]... [--domain D]... [--include-deprecated] [--fail-under PERCENT] [--atomics INDEX.csv] [--profile SPEC] [--telemetry FILE] [--score rules|strength] [--mappings FILE] [--verbose] [--cache DIR] [--stix PATH] [--attack-version V]\n' +
  '      --atomics INDEX.csv  an Atomic Red Team index (atomics/Indexes/index.csv): adds atomic tests per technique,\n' +
  '                           "tested but not detected" and "detected but never tested" (summary, json, markdown, csv)\n' +
  '      --profile SPEC       a threat profile: .vscode/settings.json (attackLens.threatProfile), a Navigator layer, or\n' +
  '                           actors / technique IDs (G0016,FIN7 or T1059.001,T1003); adds its ranked gaps, or the overlay to a layer\n' +
  '      --telemetry FILE     what the team collects: {"dataComponents": [...], "logSources": [...]} (JSON or YAML), a settings\n' +
  '                           file with attackLens.telemetry, or a DeTT&CT data-source administration file; adds the four\n' +
  '                           telemetry states (detected, no-telemetry, visible, blind) per technique (summary, json, markdown);\n' +
  '                           a Navigator layer is coloured by state, with a legend and the state in each technique\'s metadata\n' +
  '      --verbose            the summary lists every unknown and revoked reference (file:line), not the first ten\n' +
  '      --score rules|strength  what a Navigator layer\'s score means: rules naming the technique (default), or its\n' +
  '                           strength 0-5 (how many rules, how mature, whether their telemetry is collected); with\n' +
  '                           --telemetry the score keeps this meaning and the colours show the states\n' +
  '      --mappings FILE      telemetry mappings on top of the shipped ones (json): a mappings file, or a settings\n' +
  '                           file holding attackLens.telemetry.mappings\n' +
  ATTACK_VERSION_HELP +
  CACHE_HELP;

const SPECIAL_FILE_REASON = /not a regular file/;

const FORMATS = ['summary', 'navigator', 'json', 'markdown', 'csv'] as const;
type Format = (typeof FORMATS)[number];
const SCORES = ['rules', 'strength'] as const;
type Score = (typeof SCORES)[number];

/** A plain decimal from 0 to 100 (`60`, `79.5`): no sign, exponent or `%`, which Number() would let through or a shell would mangle. */
function percentFlag(args: ParsedArgs): number | undefined {
  const v = args.flags.get('fail-under');
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d{1,3}(?:\.\d+)?$/.test(v) ? Number(v) : NaN;
  if (!(n >= 0 && n <= 100)) throw new UsageError(`--fail-under takes a decimal number from 0 to 100, not "${String(v)}"`);
  return n;
}

/** A platform no technique of the domains names is a typo, not an empty scope. */
function checkPlatforms(platforms: readonly string[], domains: readonly Domain[], index: AttackIndex): void {
  if (!platforms.length) return;
  const known = new Set<string>();
  for (const d of domains) for (const t of index.activeTechniques(d)) for (const p of t.platforms) known.add(p);
  const lower = new Set([...known].map((p) => p.toLowerCase()));
  const bad = platforms.filter((p) => !lower.has(p.toLowerCase()));
  if (bad.length) throw new UsageError(`--platform ${bad.join(', ')}: not a platform of ${domains.join(', ')} (known: ${[...known].sort().join(', ')})`);
}

/** The Atomic Red Team index CSV; a file that cannot be read is bad usage. */
function readAtomics(file: string, ctx: CliContext): AtomicsIndex {
  const read = readRegularFile(file, MAX_SMALL_FILE_BYTES);
  if ('refused' in read) throw new UsageError(`--atomics ${file}: ${read.refused}`);
  let index: AtomicsIndex;
  try {
    index = parseAtomicsCsv(read.bytes.toString('utf8'));
  } catch (e) {
    throw new UsageError(`--atomics ${file}: ${(e as Error).message}`);
  }
  for (const p of index.problems.slice(0, 5)) ctx.err(`attack-lens: ${file}:${p.line}: ${p.message} (line skipped)`);
  if (index.problems.length > 5) ctx.err(`attack-lens: ${file}: ${index.problems.length - 5} more lines skipped`);
  return index;
}

interface TestedTechnique {
  readonly id: string;
  readonly name: string;
  /** Atomic tests of the ID (a parent: its own and its sub-techniques'). */
  readonly tests: number;
  /** Rules naming it (a parent: directly or via a sub-technique), as the coverage counts them. */
  readonly rules: number;
}

/** Every in-scope technique with atomic tests (and every parent of one), by ID. */
function testedTechniques(model: CoverageModel, atomics: AtomicsIndex): TestedTechnique[] {
  const { tests } = testsByTechnique(model, atomics);
  const ids = new Set<string>();
  for (const id of tests.keys()) {
    ids.add(id);
    const parent = parentOf(id);
    if (parent) ids.add(parent);
  }
  const out: TestedTechnique[] = [];
  for (const id of [...ids].sort()) {
    const c = model.forTechnique(id);
    if (!c || !model.inScope(c.technique)) continue;
    out.push({ id, name: model.index.fullName(id), tests: atomicTestCount(tests, id), rules: c.ruleCount });
  }
  return out;
}

/**
 * The purple-team cross-reference, added to the report in its format: atomic tests per technique
 * (json: `atomics.tests` and `atomicTests` on each covered technique; csv: `tests` rows; markdown:
 * a table), then "tested but not detected" and "detected but never tested".
 */
function withAtomics(text: string, format: Format, model: CoverageModel, atomics: AtomicsIndex | undefined): string {
  if (!atomics) return text;
  const x = crossReferenceAtomics(model, atomics);
  const tested = testedTechniques(model, atomics);
  switch (format) {
    case 'json': {
      const report = JSON.parse(text) as { techniques: Record<string, Record<string, unknown>> } & Record<string, unknown>;
      const counts = new Map(tested.map((t) => [t.id, t.tests]));
      for (const [id, entry] of Object.entries(report.techniques)) entry.atomicTests = counts.get(id) ?? 0;
      const tests = Object.fromEntries(tested.map((t) => [t.id, t.tests]));
      return JSON.stringify({ ...report, atomics: { testCount: atomics.testCount, tested: x.tested, tests, ...atomicsJson(x) } }, null, 2) + '\n';
    }
    case 'csv': {
      const rows = tested.map((t) => csvRow(['tests', t.id, t.name, t.tests]));
      return text + '\r\n' + atomicsCsv(x, '\r\n') + rows.join('\r\n') + (rows.length ? '\r\n' : '');
    }
    default: {
      const table = [`### Atomic tests per technique (${tested.length})`, '', '| Technique | Name | Atomic tests | Rules |', '| --- | --- | ---: | ---: |'];
      for (const t of tested) table.push(`| ${t.id} | ${t.name.replace(/\|/g, '\\|')} | ${t.tests} | ${t.rules} |`);
      return text + '\n' + atomicsMarkdown(x) + '\n' + table.join('\n') + '\n';
    }
  }
}

/** The report in its format, with the threat profile's gaps when there is a profile, and the telemetry states when there is a telemetry profile. */
function withProfile(model: CoverageModel, files: readonly ParsedRuleFile[], mappings: TelemetryMappings, format: Exclude<Format, 'navigator'>, profile: ThreatProfile | undefined, telemetry: TelemetryStates | undefined, verbose: boolean): string {
  const ranking = profile ? rankGaps(model, profile) : undefined;
  switch (format) {
    case 'summary':
      return summaryTable(model, { displayPath, verbose, telemetry }) + (ranking ? profileSummary(ranking) : '') + '\n';
    case 'json': {
      const report = jsonWithTelemetry(model, { reads: telemetrySummary(files, model, mappings), telemetry });
      return JSON.stringify(ranking ? { ...report, profile: profileJson(ranking) } : report, null, 2) + '\n';
    }
    case 'markdown':
      return renderReport(model, 'markdown', { telemetry, displayPath }) + (ranking ? profileMarkdown(ranking).join('\n') + '\n' : '');
    case 'csv':
      return renderReport(model, 'csv', { displayPath }) + (ranking ? '\r\n' + profileCsv(ranking) : '');
  }
}

/** One layer per domain; several domains make a list of layers, which Navigator 4.5 opens as one tab each. */
function navigatorText(model: CoverageModel, files: readonly ParsedRuleFile[], profile: ThreatProfile | undefined, score: Score, telemetry: TelemetryStates | undefined, telemetryName: string | undefined): string {
  const strength = score === 'strength' ? techniqueStrengths(files, model) : undefined;
  const layers = model.domains.map((domain) => navigatorLayer(model, { domain, profile, strength, telemetry, telemetryName, name: model.domains.length > 1 ? `ATT&CK Lens coverage (${domain})` : undefined }));
  return JSON.stringify(layers.length === 1 ? layers[0] : layers, null, 2) + '\n';
}

/**
 * `attack-lens coverage`: walks the paths, parses every rule file with the extension's parsers
 * and prints the coverage. Exit 1 when total technique coverage is below --fail-under, 2 on bad
 * usage or when a path does not exist.
 */
export async function coverageCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const platformFlag = listFlag(argv, 'platform');
  const domainFlag = listFlag(platformFlag.rest, 'domain');
  const args = parseArgs(domainFlag.rest, ['format', 'out', 'fail-under', 'stix', 'attack-version', 'atomics', 'profile', 'telemetry', 'cache', 'score', 'mappings'], ['include-deprecated', 'verbose']);
  if (!args.positionals.length) throw new UsageError(`usage: ${COVERAGE_USAGE}`);
  const format = (stringFlag(args, 'format') ?? 'summary') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const domains = [...new Set(domainFlag.values.map((d) => (d.endsWith('-attack') ? d : `${d}-attack`)))];
  for (const d of domains) if (!DOMAINS.includes(d as Domain)) throw new UsageError(`--domain must be one of ${DOMAINS.join(', ')} (or enterprise, mobile, ics), not "${d}"`);
  const score = (stringFlag(args, 'score') ?? 'rules') as Score;
  if (!SCORES.includes(score)) throw new UsageError(`--score must be one of ${SCORES.join(', ')}, not "${score}"`);
  if (args.flags.has('score') && format !== 'navigator') throw new UsageError('--score says what a Navigator layer\'s score means: use it with --format navigator');
  if (args.flags.has('mappings') && format !== 'json') throw new UsageError('--mappings changes the telemetry of the json format: use it with --format json');
  const mappings = readMappingsFlag(stringFlag(args, 'mappings'));
  const failUnder = percentFlag(args);
  const out = stringFlag(args, 'out');
  if (out) checkOutPath(out);
  const atomicsFile = stringFlag(args, 'atomics');
  if (atomicsFile && format === 'navigator') throw new UsageError('--atomics adds a section to the summary, json, markdown and csv formats, not to a Navigator layer');
  const atomics = atomicsFile ? readAtomics(atomicsFile, ctx) : undefined;
  const telemetryFile = stringFlag(args, 'telemetry');
  if (telemetryFile && format === 'csv') throw new UsageError('--telemetry adds the telemetry states to the summary, json, markdown and navigator formats, not to csv');

  const walked = walkRuleFiles(args.positionals);
  if (walked.missing.length) {
    ctx.err(`attack-lens: no such file or directory: ${walked.missing.join(', ')}`);
    return 2;
  }
  const { index, shippedVersion } = indexFromFlags(args, ctx);
  for (const d of domains) if (!index.domain(d as Domain)) throw new UsageError(`the loaded ATT&CK data has no ${d} domain`);
  checkPlatforms(platformFlag.values, domains.length ? (domains as Domain[]) : [index.primary?.domain ?? 'enterprise-attack'], index);
  const profileSpec = stringFlag(args, 'profile');
  const profile = profileSpec ? readProfileFlag(profileSpec, index) : undefined;
  const telemetryProfile = telemetryFile ? readTelemetryFlag(telemetryFile, index, (m) => ctx.err(m)) : undefined;

  const cacheDir = stringFlag(args, 'cache');
  const cache = cacheDir ? openCache(cacheDir, index, ctx) : undefined;
  const scanned = await parseWalkedFiles(walked.files, index, ctx, shippedVersion, cache);
  cache?.save();

  // A FIFO, socket or device among the paths is worth a word even in formats that do not list skipped files.
  for (const s of [...walked.skipped, ...scanned.skipped]) if (SPECIAL_FILE_REASON.test(s.reason)) ctx.err(`attack-lens: skipped ${displayPath(s.path)}: ${s.reason}`);

  const model = CoverageModel.build(scanned.files, index, {
    domains: domains.length ? (domains as Domain[]) : undefined,
    platforms: platformFlag.values,
    includeDeprecated: args.flags.has('include-deprecated'),
    skipped: [...walked.skipped, ...scanned.skipped],
  });

  const telemetry = telemetryProfile ? telemetryStatesForCli(model, scanned.files, telemetryProfile, ctx.ruleTelemetry ?? ((files) => ruleTelemetryLookup(files, mappings))) : undefined;
  const text = withAtomics(format === 'navigator' ? navigatorText(model, scanned.files, profile, score, telemetry, telemetryProfile?.name) : withProfile(model, scanned.files, mappings, format, profile, telemetry, args.flags.has('verbose')), format, model, atomics);
  if (out) writeOut(out, text);
  // Waits for the pipe to take everything: the caller exits the process right after.
  else await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));

  if (failUnder !== undefined && !model.meets(failUnder)) {
    ctx.err(`attack-lens: technique coverage ${model.percent}% is below --fail-under ${failUnder}%`);
    return 1;
  }
  return 0;
}
