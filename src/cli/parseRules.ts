import { AttackIndex } from '../attack/index';
import { ScanResult, scanRuleFiles } from '../coverage/scan';
import { parseFoundFile, parseInParallel, workerCount } from '../node/parallelParse';
import { FoundFile, readRuleFileFromDisk } from '../node/scanFiles';
import { CliContext } from './context';

/**
 * The walked rule files parsed for a coverage report (`coverage`, `diff`): on worker threads when
 * there are many, with progress on stderr when it is a terminal.
 */
export async function parseWalkedFiles(files: readonly FoundFile[], index: AttackIndex, ctx: CliContext, shippedIndex: boolean): Promise<ScanResult> {
  const progress = ctx.isTty;
  const onProgress = progress ? (done: number, total: number) => void process.stderr.write(`\rattack-lens: parsed ${done}/${total} files`) : undefined;
  // Worker threads re-run this bundle, so only when it is the program (dist/cli.js), and they
  // load the shipped index, so not with --stix.
  const workers = shippedIndex && require.main?.filename === __filename ? workerCount(files.length) : 0;
  const scanned = workers
    ? await parseInParallel(files, index, workers, __filename, onProgress)
    : await scanRuleFiles({
        items: files,
        pathOf: (f) => f.path,
        read: async (f) => readRuleFileFromDisk(f.path),
        parse: (text, f) => parseFoundFile(text, f, index),
        batchSize: 256,
        onProgress,
      });
  if (progress) process.stderr.write('\r\x1b[K');
  return scanned;
}
