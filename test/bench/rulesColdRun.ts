import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { parseRuleFile } from '../../src/rules/index';

// Run as its own process by rules.bench.ts: loads the compiled index, reads and parses every
// rule file under a folder once (cold JIT, as the CLI does), prints timings as JSON.

const [dir, indexFile] = process.argv.slice(2);
const t0 = performance.now();
const index = AttackIndex.fromJson(fs.readFileSync(indexFile, 'utf8'));
const t1 = performance.now();
const files = fs
  .readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.(ya?ml|toml|yaral)$/.test(f))
  .map((f) => path.join(dir, f));
let references = 0;
let readMs = 0;
let parseMs = 0;
for (const f of files) {
  const r0 = performance.now();
  const text = fs.readFileSync(f, 'utf8');
  const r1 = performance.now();
  const parsed = parseRuleFile(text, f, index);
  parseMs += performance.now() - r1;
  readMs += r1 - r0;
  for (const rule of parsed.rules) references += rule.references.length;
}
process.stdout.write(JSON.stringify({ files: files.length, references, indexMs: t1 - t0, readMs, parseMs, totalMs: performance.now() - t0 }));
