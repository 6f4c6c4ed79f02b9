import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';

// `node --expose-gc out/test/host/loadIndexProbe.js [index.json]`: run by the activation bench in
// a fresh process; prints {ms, heapMb} for reading, parsing and indexing the compiled index.

const file = process.argv[2] ?? path.resolve(__dirname, '..', '..', '..', 'dist', 'attack-index.json');
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');
gc();
const before = process.memoryUsage().heapUsed;
const t = process.hrtime.bigint();
const index = AttackIndex.fromJson(fs.readFileSync(file, 'utf8'), file);
const ms = Number(process.hrtime.bigint() - t) / 1e6;
gc();
const heapMb = (process.memoryUsage().heapUsed - before) / 1e6;
process.stdout.write(JSON.stringify({ ms, heapMb, label: index.versionLabel, entries: index.domains.length }));
