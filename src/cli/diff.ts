import * as fs from 'fs';
import * as path from 'path';
import { DOMAINS, Domain } from '../attack/types';
import { diffCoverage, DiffSide } from '../coverage/coverageDiff';
import { diffJson, diffMarkdown, diffNavigator, diffText } from '../coverage/coverageDiffReport';
import { CoverageModel } from '../coverage/model';
import { walkRuleFiles } from '../node/scanFiles';
import { listFlag, parseArgs, stringFlag, UsageError } from './args';
import { CliContext } from './context';
import { checkOutPath, writeOut } from './outFile';
import { parseWalkedFiles } from './parseRules';

export const DIFF_USAGE =
  'attack-lens diff BASE HEAD [--format text|markdown|json|navigator] [--out FILE] [--platform P]... [--domain D]... [--include-deprecated] [--fail-on-loss] [--stix PATH]\n' +
  '      the coverage change between two folders of rules: techniques gained and lost, rule counts, rules added, removed and retagged';

const FORMATS = ['text', 'markdown', 'json', 'navigator'] as const;
type Format = (typeof FORMATS)[number];

/**
 * `attack-lens diff BASE HEAD`: both folders parsed and counted as `coverage` does, against one
 * index and scope, then compared. Exit 1 with --fail-on-loss when a technique is lost.
 */
export async function diffCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const platformFlag = listFlag(argv, 'platform');
  const domainFlag = listFlag(platformFlag.rest, 'domain');
  const args = parseArgs(domainFlag.rest, ['format', 'out', 'stix'], ['include-deprecated', 'fail-on-loss']);
  if (args.positionals.length !== 2) throw new UsageError(`usage: ${DIFF_USAGE}`);
  const format = (stringFlag(args, 'format') ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not "${format}"`);
  const domains = [...new Set(domainFlag.values.map((d) => (d.endsWith('-attack') ? d : `${d}-attack`)))];
  for (const d of domains) if (!DOMAINS.includes(d as Domain)) throw new UsageError(`--domain must be one of ${DOMAINS.join(', ')} (or enterprise, mobile, ics), not "${d}"`);
  const out = stringFlag(args, 'out');
  if (out) checkOutPath(out);
  const [baseDir, headDir] = args.positionals;
  for (const dir of [baseDir, headDir]) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(dir);
    } catch {
      throw new UsageError(`no such folder: ${dir}`);
    }
    if (!stat.isDirectory()) throw new UsageError(`${dir}: not a folder (diff compares two folders of rules)`);
  }
  const index = ctx.index(stringFlag(args, 'stix'));
  for (const d of domains) if (!index.domain(d as Domain)) throw new UsageError(`the loaded ATT&CK data has no ${d} domain`);

  const side = async (dir: string): Promise<DiffSide> => {
    const walked = walkRuleFiles([dir]);
    const scanned = await parseWalkedFiles(walked.files, index, ctx, !stringFlag(args, 'stix'));
    const model = CoverageModel.build(scanned.files, index, {
      domains: domains.length ? (domains as Domain[]) : undefined,
      platforms: platformFlag.values,
      includeDeprecated: args.flags.has('include-deprecated'),
      skipped: [...walked.skipped, ...scanned.skipped],
    });
    const root = path.resolve(dir);
    return { model, files: scanned.files, key: (p) => path.relative(root, path.resolve(p)).split(path.sep).join('/') };
  };
  const diff = diffCoverage(await side(baseDir), await side(headDir));
  const labels = { base: baseDir, head: headDir };
  const render = { text: diffText, markdown: diffMarkdown, json: diffJson, navigator: diffNavigator }[format];
  const text = render(diff, labels);
  if (out) writeOut(out, text);
  else await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));

  if (args.flags.has('fail-on-loss') && diff.lost.length) {
    ctx.err(`attack-lens: ${diff.lost.length} technique${diff.lost.length === 1 ? '' : 's'} lost: ${diff.lost.join(', ')}`);
    return 1;
  }
  return 0;
}
