import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../attack/compile';
import { AttackIndex } from '../attack/index';
import { DOMAINS, Domain } from '../attack/types';
import { MigrationReport, migrationReport, renderMigrationText } from '../checks/migrate';
import { scanRuleFiles } from '../coverage/scan';
import { readStixBundleFile } from '../node/bundles';
import { malformedWarning } from '../attack/stix';
import { readRuleFileFromDisk, walkRuleFiles } from '../node/scanFiles';
import { parseTreated } from '../rules/treatment';
import { parseArgs, stringFlag, UsageError } from './args';
import { CliContext } from './context';
import { displayPath } from './displayPath';

export const MIGRATE_USAGE = 'attack-lens migrate <paths...> --from VERSION|FILE --to VERSION|FILE [--json] [--domain D] [--stix DIR]';

/**
 * `attack-lens migrate`: what changes for the rules under <paths> between two ATT&CK versions.
 * Versions are found as `<domain>-<version>.json` in --stix DIR, $ATTACK_LENS_STIX, ./data or
 * ../shared/attack; --from/--to may also name bundle files. Exit 0 (changes are information),
 * 2 on bad usage or a missing bundle.
 */
export async function migrateCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, ['from', 'to', 'stix', 'domain'], ['json']);
  const from = stringFlag(args, 'from');
  const to = stringFlag(args, 'to');
  if (!args.positionals.length || !from || !to) throw new UsageError(`usage: ${MIGRATE_USAGE}`);
  const rawDomain = stringFlag(args, 'domain') ?? 'enterprise-attack';
  const domain = (rawDomain.endsWith('-attack') ? rawDomain : `${rawDomain}-attack`) as Domain;
  if (!DOMAINS.includes(domain)) throw new UsageError(`--domain must be one of ${DOMAINS.join(', ')} (or enterprise, mobile, ics), not "${rawDomain}"`);

  const walked = walkRuleFiles(args.positionals);
  if (walked.missing.length) {
    ctx.err(`attack-lens: no such file or directory: ${walked.missing.join(', ')}`);
    return 2;
  }
  const dirs = bundleDirectories(stringFlag(args, 'stix'));
  const warn = (w: string) => ctx.err(`attack-lens: ${w}`);
  const fromIndex = loadVersion(from, domain, dirs, '--from', warn);
  const toIndex = loadVersion(to, domain, dirs, '--to', warn);

  const scanned = await scanRuleFiles({
    items: walked.files,
    pathOf: (f) => f.path,
    read: async (f) => readRuleFileFromDisk(f.path),
    parse: (text, f) => parseTreated(text, f.path, fromIndex, { treatment: f.treatment }),
    batchSize: 256,
  });
  for (const s of [...walked.skipped, ...scanned.skipped]) if (/not a regular file/.test(s.reason)) ctx.err(`attack-lens: skipped ${displayPath(s.path)}: ${s.reason}`);
  const report = migrationReport(fromIndex, toIndex, scanned.files, domain);
  const show = (p: string) => displayPath(p);
  const text = args.flags.has('json')
    ? JSON.stringify({ ...report, ...mapFiles(report, show) }, null, 2) + '\n'
    : renderMigrationText(report, show);
  await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  return 0;
}

/** The report with every reference's file shown relative to the working directory; tactic tags in their documented shape. */
function mapFiles(report: MigrationReport, show: (p: string) => string): Partial<Record<keyof MigrationReport, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(report)) {
    if (!Array.isArray(v) || k === 'tacticTags') continue;
    out[k] = v.map((item: { references?: { file: string }[] }) => (item.references ? { ...item, references: item.references.map((r) => ({ ...r, file: show(r.file) })) } : item));
  }
  out.tacticTags = report.tacticTags.map((t) => ({ file: show(t.file), line: t.line, text: t.text, tactic: t.tactic, replacements: t.replacements }));
  return out;
}

/** Where bundles are looked for, in order. */
function bundleDirectories(stix?: string): string[] {
  const root = path.resolve(__dirname, '..');
  const shared = process.env.ATTACK_LENS_SHARED;
  return [stix, process.env.ATTACK_LENS_STIX, path.join(root, 'data'), shared && path.join(shared, 'attack'), path.join(root, '..', 'shared', 'attack')].filter((d): d is string => !!d);
}

/** A bundle by version (`17.1`, `v17.1`) or by file, compiled into an index of its own. */
function loadVersion(spec: string, domain: Domain, dirs: readonly string[], flag: string, onWarning?: (message: string) => void): AttackIndex {
  let file: string | undefined;
  if (/\.json$/i.test(spec) || spec.includes('/') || spec.includes('\\')) {
    if (!fs.existsSync(spec)) throw new UsageError(`${flag}: no such bundle file ${spec}`);
    file = spec;
  } else {
    const version = spec.replace(/^v/i, '');
    if (!/^\d+(?:\.\d+)?$/.test(version)) throw new UsageError(`${flag} takes an ATT&CK version like 17.1 or a bundle file, not "${spec}"`);
    const names = [`${domain}-${version}.json`, ...(version.includes('.') ? [] : [`${domain}-${version}.0.json`])];
    file = dirs.flatMap((d) => names.map((n) => path.join(d, n))).find((f) => fs.existsSync(f));
    if (!file) throw new UsageError(`${flag} ${spec}: no ${names[0]} in ${[...new Set(dirs)].join(', ')} (pass --stix DIR or a bundle file)`);
  }
  const bundle = readStixBundleFile(file);
  const warning = malformedWarning(bundle);
  if (warning) onWarning?.(warning);
  if (bundle.domain !== domain) throw new UsageError(`${flag}: ${file} is a ${bundle.domain} bundle, not ${domain}`);
  return new AttackIndex([compileBundle(bundle)]);
}
