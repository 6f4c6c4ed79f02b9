import * as path from 'path';
import { ATTACK_VERSION_HELP, indexFromFlags } from './attackVersionFlag';
import { pathToFileURL } from 'url';
import { AttackIndex } from '../attack/index';
import { Finding, FindingCode, FindingSeverity } from '../checks/findings';
import { checkRuleFile } from '../checks/referenceChecks';
import { sarifLog, SarifFile } from '../checks/sarif';
import { atLeast } from '../checks/severity';
import { parseFoundFile } from '../node/parallelParse';
import { ParseCache } from '../node/parseCache';
import { FoundFile, hasRuleExtension, readRuleFileFromDisk, walkRuleFiles } from '../node/scanFiles';
import { treatmentOf } from '../rules/fileTreatment';
import { listFlag, parseArgs, stringFlag, UsageError } from './args';
import { describeFixes, planFix, writeFix } from './checkFix';
import { CheckedFile, jsonReport, SkippedRuleFile, textReport } from './checkReport';
import { CheckSettings, effectiveSeverity, readCheckSettings } from './checkSettings';
import { CACHE_HELP, openCache } from './cacheFlag';
import { codeQualityReport } from './codeQuality';
import { CliContext } from './context';
import { displayPath } from './displayPath';
import { checkOutPath, writeOut } from './outFile';
import { CODES_HELP_URI, HOMEPAGE, TOOL_VERSION } from './toolInfo';
import { unifiedDiff } from './unifiedDiff';

export const CHECK_USAGE =
  'attack-lens check <paths...> [--format text|json|sarif|codequality] [--out FILE] [--fail-on error|warning|information|never] [--severity CODE=LEVEL]... [--settings FILE] [--fix [--dry-run]] [--cache DIR] [--stix PATH] [--attack-version V]\n' +
  "      the editor's ATT&CK diagnostics for every rule file given (deprecated rules too); exit 1 when a finding is at or above --fail-on (default error)\n" +
  '      --settings FILE      a VS Code settings file: attackLens.diagnostics.severity, attackLens.files, attackLens.generic.idPattern\n' +
  '      --fix                apply every unambiguous fix in place (as Fix all does), print what changed; --dry-run prints a unified diff instead\n' +
  ATTACK_VERSION_HELP +
  CACHE_HELP;

const FORMATS = ['text', 'json', 'sarif', 'codequality'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ['error', 'warning', 'information', 'never'] as const;

/** The findings of one file as the editor's diagnostics show them: checkRuleFile, then the severity settings ('off' dropped). */
function checkText(text: string, file: FoundFile, index: AttackIndex, settings: CheckSettings, cache?: ParseCache): CheckedFile {
  const findings = [];
  for (const finding of rawFindings(text, file, index, cache)) {
    const severity = effectiveSeverity(settings, finding.code, finding.defaultSeverity);
    if (severity !== 'off') findings.push({ finding, severity });
  }
  return { path: file.path, text, findings };
}

/** checkRuleFile's findings, from the cache when it has them (a parse cached by `coverage` is reused). */
function rawFindings(text: string, file: FoundFile, index: AttackIndex, cache: ParseCache | undefined): readonly Finding[] {
  if (!cache) return checkRuleFile(parseFoundFile(text, file, index), text, index);
  const key = cache.key(file, text);
  const hit = cache.get(key);
  if (hit?.findings) return hit.findings;
  const parsed = hit?.parsed ?? parseFoundFile(text, file, index);
  const findings = checkRuleFile(parsed, text, index);
  cache.set(key, { parsed, findings });
  return findings;
}

/** `/`-separated path relative to `base`, or undefined outside it. */
function relativeTo(base: string, p: string): string | undefined {
  const rel = path.relative(base, path.resolve(p));
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : undefined;
}

/** The files to check with their treatment: attackLens.files (when the settings set it) over the CLI's default by extension. */
function filesToCheck(paths: readonly string[], settings: CheckSettings): ReturnType<typeof walkRuleFiles> {
  if (!settings.files) return walkRuleFiles(paths);
  const selection = { files: settings.files, exclude: [] };
  const treatment = (p: string) => {
    const rel = relativeTo(settings.base, p);
    return rel === undefined ? undefined : treatmentOf(selection, rel);
  };
  const walked = walkRuleFiles(paths, (p) => (relativeTo(settings.base, p) === undefined ? hasRuleExtension(p) : treatment(p) !== undefined));
  const files = walked.files.map((f) => {
    const t = treatment(f.path);
    return t ? { ...f, treatment: t, genericPattern: settings.genericPattern } : f;
  });
  return { ...walked, files };
}

function sarif(files: readonly CheckedFile[], cwd: string, settings: CheckSettings): ReturnType<typeof sarifLog> {
  const sarifFiles: SarifFile[] = files.map((f) => {
    const rel = relativeTo(cwd, f.path);
    return {
      uri: rel !== undefined ? rel.split('/').map(encodeURIComponent).join('/') : pathToFileURL(path.resolve(f.path)).href,
      relative: rel !== undefined,
      text: f.text,
      findings: f.findings,
    };
  });
  const enabled = (code: FindingCode) => effectiveSeverity(settings, code, 'error') !== 'off';
  return sarifLog({ version: TOOL_VERSION, informationUri: HOMEPAGE, helpUri: CODES_HELP_URI }, sarifFiles, pathToFileURL(cwd).href, enabled);
}

/**
 * `attack-lens check`: the editor's findings for every rule file under the paths, in text, JSON or
 * SARIF; with --fix, the files fixed first and what is left reported. Exit 1 when a finding left is
 * at or above --fail-on, 2 on bad usage or input.
 */
export async function checkCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const severityFlag = listFlag(argv, 'severity');
  const args = parseArgs(severityFlag.rest, ['format', 'out', 'fail-on', 'settings', 'stix', 'attack-version', 'cache'], ['fix', 'dry-run']);
  if (!args.positionals.length) throw new UsageError(`usage: ${CHECK_USAGE}`);
  const format = (stringFlag(args, 'format') ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const failOn = (stringFlag(args, 'fail-on') ?? 'error') as (typeof FAIL_ON)[number];
  if (!FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}, not "${failOn}"`);
  const fix = args.flags.has('fix');
  const dryRun = args.flags.has('dry-run');
  if (dryRun && !fix) throw new UsageError('--dry-run goes with --fix (it prints the diff --fix would apply)');
  const out = stringFlag(args, 'out');
  if (out) checkOutPath(out);
  const cwd = process.cwd();
  const settings = readCheckSettings(stringFlag(args, 'settings'), severityFlag.values, cwd);

  const walked = filesToCheck(args.positionals, settings);
  if (walked.missing.length) throw new UsageError(`no such file or directory: ${walked.missing.join(', ')}`);
  const { index } = indexFromFlags(args, ctx);

  const cacheDir = stringFlag(args, 'cache');
  const cache = cacheDir ? openCache(cacheDir, index, ctx) : undefined;
  const skipped: SkippedRuleFile[] = [...walked.skipped];
  let checked: CheckedFile[] = [];
  for (const f of walked.files) {
    const read = readRuleFileFromDisk(f.path);
    if ('skipped' in read) skipped.push({ path: f.path, reason: read.skipped });
    else checked.push(checkText(read.text, f, index, settings, cache));
  }
  cache?.save();
  for (const s of skipped) ctx.err(`attack-lens: skipped ${displayPath(s.path)}: ${s.reason}`);

  const diffs: string[] = [];
  if (fix) {
    const byPath = new Map(walked.files.map((f) => [f.path, f]));
    const changes: string[] = [];
    checked = checked.map((file) => {
      const plan = planFix(file);
      if (!plan) return file;
      if (dryRun) {
        diffs.push(unifiedDiff(relativeTo(cwd, file.path) ?? file.path, file.text, plan.edits));
      } else {
        const failed = writeFix(file, plan);
        if (failed) {
          ctx.err(`attack-lens: --fix ${displayPath(file.path)}: ${failed}; not fixed`);
          return file;
        }
        changes.push(`${displayPath(file.path)}: fixed ${plan.fixed.length}`, ...describeFixes(plan).map((l) => `  ${l}`));
      }
      return checkText(plan.text, byPath.get(file.path)!, index, settings);
    });
    if (changes.length) (format === 'text' && !out ? ctx.out : ctx.err)(changes.join('\n'));
  }

  const attackVersion = index.primary?.version ?? '';
  const report = dryRun
    ? diffs.join('')
    : format === 'sarif'
      ? JSON.stringify(sarif(checked, cwd, settings), null, 2) + '\n'
      : format === 'codequality'
        ? codeQualityReport(sarif(checked, cwd, settings) as Parameters<typeof codeQualityReport>[0])
        : format === 'json'
          ? jsonReport(checked, skipped, { version: TOOL_VERSION, attackVersion })
          : textReport(checked, displayPath);
  if (out) writeOut(out, report);
  else if (report) await new Promise<void>((resolve) => process.stdout.write(report, () => resolve()));

  if (failOn === 'never') return 0;
  const threshold: FindingSeverity = failOn;
  return checked.some((f) => f.findings.some((x) => atLeast(x.severity, threshold))) ? 1 : 0;
}
