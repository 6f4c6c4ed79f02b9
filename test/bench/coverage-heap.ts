import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { CoverageModel } from '../../src/coverage/model';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';

// Child process of coverage.bench.ts (run with --expose-gc): loads the index, parses the SigmaHQ
// corpus and builds the model, keeps all of it alive, collects garbage and prints heapUsed.

async function main(): Promise<void> {
  const [root, corpus] = process.argv.slice(2);
  const index = AttackIndex.fromJson(fs.readFileSync(path.join(root, 'dist', 'attack-index.json'), 'utf8'));
  const walked = walkRuleFiles([corpus]);
  const scanned = await scanRuleFiles({ items: walked.files, pathOf: (f) => f.path, read: async (f) => readRuleFileFromDisk(f.path), parse: (text, f) => parseRuleFile(text, f.path, index), batchSize: 256 });
  const model = CoverageModel.build(scanned.files, index);
  model.tactics();
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  // Everything measured is used after the collection, so none of it can have been collected.
  process.stdout.write(JSON.stringify({ heapUsed: process.memoryUsage().heapUsed, files: scanned.files.length, rules: model.ruleCount, techniques: index.activeTechniques().length }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
