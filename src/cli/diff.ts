import * as fs from 'fs';
import { ATTACK_VERSION_HELP, indexFromFlags } from './attackVersionFlag';
import * as path from 'path';
import { DOMAINS, Domain } from '../attack/types';
import { diffCoverage, DiffSide } from '../coverage/coverageDiff';
import { diffJson, diffMarkdown, diffNavigator, diffText } from '../coverage/coverageDiffReport';
import { CoverageModel, SkippedFile } from '../coverage/model';
import { parseSafely } from '../coverage/scan';
import { readGitTree } from '../node/gitTree';
import { parseFoundFile } from '../node/parallelParse';
import { FoundFile, hasRuleExtension, treatmentForPath, walkRuleFiles } from '../node/scanFiles';
import { decodeRuleText } from '../rules/decodeRuleText';
import { ParsedRuleFile } from '../rules/types';
import { listFlag, parseArgs, stringFlag, UsageError } from './args';
import { CACHE_HELP, openCache } from './cacheFlag';
import { CliContext } from './context';
import { checkOutPath, writeOut } from './outFile';
import { parseWalkedFiles } from './parseRules';
import { readProfileFlag } from './profileFlag';

export const DIFF_USAGE =
  'attack-lens diff BASE HEAD [--git] [--format text|markdown|json|navigator] [--out FILE] [--platform P]... [--domain D]... [--include-deprecated] [--profile SPEC] [--fail-on-loss] [--cache DIR] [--stix PATH] [--attack-version V] [-- PATHS...]\n' +
  '      the coverage change between two folders of rules, or with --git two revisions (read with git, the working tree untouched;\n' +
  '      PATHS after -- limit it): techniques gained and lost, rule counts, rules added, removed and retagged\n' +
  ATTACK_VERSION_HELP +
  CACHE_HELP;

const FORMATS = ['text', 'markdown', 'json', 'navigator'] as const;
type Format = (typeof FORMATS)[number];

/**
 * `attack-lens diff BASE HEAD`: both folders parsed and counted as `coverage` does, against one
 * index and scope, then compared. Exit 1 with --fail-on-loss when a technique is lost.
 */
export async function diffCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const platformFlag = listFlag(argv, 'platform');
  const domainFlag = listFlag(platformFlag.rest, 'domain');
  const dashes = domainFlag.rest.indexOf('--');
  const scopePaths = dashes < 0 ? [] : domainFlag.rest.slice(dashes + 1);
  const args = parseArgs(dashes < 0 ? domainFlag.rest : domainFlag.rest.slice(0, dashes), ['format', 'out', 'stix', 'attack-version', 'profile', 'cache'], ['include-deprecated', 'fail-on-loss', 'git']);
  if (args.positionals.length !== 2) throw new UsageError(`usage: ${DIFF_USAGE}`);
  const useGit = args.flags.has('git');
  if (dashes >= 0 && !useGit) throw new UsageError('-- PATHS limits a --git diff; without --git, name the two folders');
  const format = (stringFlag(args, 'format') ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const domains = [...new Set(domainFlag.values.map((d) => (d.endsWith('-attack') ? d : `${d}-attack`)))];
  for (const d of domains) if (!DOMAINS.includes(d as Domain)) throw new UsageError(`--domain must be one of ${DOMAINS.join(', ')} (or enterprise, mobile, ics), not "${d}"`);
  const out = stringFlag(args, 'out');
  if (out) checkOutPath(out);
  const [baseDir, headDir] = args.positionals;
  for (const dir of useGit ? [] : [baseDir, headDir]) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(dir);
    } catch {
      throw new UsageError(`no such folder: ${dir}`);
    }
    if (!stat.isDirectory()) throw new UsageError(`${dir}: not a folder (diff compares two folders of rules)`);
  }
  const { index, shippedVersion } = indexFromFlags(args, ctx);
  for (const d of domains) if (!index.domain(d as Domain)) throw new UsageError(`the loaded ATT&CK data has no ${d} domain`);
  const profileSpec = stringFlag(args, 'profile');
  const profile = profileSpec ? readProfileFlag(profileSpec, index) : undefined;

  // In memory without --cache: a file unchanged between the two sides is parsed once.
  const cache = openCache(stringFlag(args, 'cache'), index, ctx);
  const model = (files: readonly ParsedRuleFile[], skipped: readonly SkippedFile[]) =>
    CoverageModel.build(files, index, {
      domains: domains.length ? (domains as Domain[]) : undefined,
      platforms: platformFlag.values,
      includeDeprecated: args.flags.has('include-deprecated'),
      skipped,
    });
  const folderSide = async (dir: string): Promise<DiffSide> => {
    const walked = walkRuleFiles([dir]);
    const scanned = await parseWalkedFiles(walked.files, index, ctx, shippedVersion, cache);
    const root = path.resolve(dir);
    return { model: model(scanned.files, [...walked.skipped, ...scanned.skipped]), files: scanned.files, key: (p) => path.relative(root, path.resolve(p)).split(path.sep).join('/') };
  };
  const parseCached = (text: string, f: FoundFile): ParsedRuleFile => {
    const key = cache.key(f, text);
    const hit = cache.get(key);
    if (hit) return hit.parsed;
    const parsed = parseSafely((t: string, file: FoundFile) => parseFoundFile(t, file, index), text, f, f.path);
    cache.set(key, { parsed });
    return parsed;
  };
  const gitSide = (rev: string): DiffSide => {
    const tree = readGitTree(rev, scopePaths, process.cwd(), hasRuleExtension);
    if ('error' in tree) throw new UsageError(tree.error);
    const files: ParsedRuleFile[] = [];
    const skipped: SkippedFile[] = [...tree.skipped];
    for (const blob of tree.blobs) {
      const read = decodeRuleText(blob.bytes);
      if ('skipped' in read) skipped.push({ path: blob.path, reason: read.skipped });
      else files.push(parseCached(read.text, { path: blob.path, treatment: treatmentForPath(blob.path) }));
    }
    return { model: model(files, skipped), files, key: (p) => p };
  };
  const diff = useGit ? diffCoverage(gitSide(baseDir), gitSide(headDir), profile) : diffCoverage(await folderSide(baseDir), await folderSide(headDir), profile);
  cache.save();
  const labels = { base: baseDir, head: headDir };
  const render = { text: diffText, markdown: diffMarkdown, json: diffJson, navigator: diffNavigator }[format];
  const text = render(diff, labels);
  if (out) writeOut(out, text);
  else await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));

  // With a profile, only its techniques count as a loss.
  const lost = diff.profile ? diff.profile.lost : diff.lost;
  if (args.flags.has('fail-on-loss') && lost.length) {
    ctx.err(`attack-lens: ${lost.length} ${diff.profile ? 'threat-profile ' : ''}technique${lost.length === 1 ? '' : 's'} lost: ${lost.join(', ')}`);
    return 1;
  }
  return 0;
}
