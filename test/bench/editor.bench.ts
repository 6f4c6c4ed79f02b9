import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { AttackSearch } from '../../src/attack/search';
import { completionCandidates } from '../../src/editor/completionCandidates';
import { entryHoverMarkdown, unknownReferenceMarkdown } from '../../src/editor/entryMarkdown';
import { parseRuleFile } from '../../src/rules/index';
import { linesOf, slotAt } from '../../src/rules/slots';
import { AttackReference, RuleFormat } from '../../src/rules/types';
import { BenchReport, median, percentile, projectRoot, sharedRoot, time } from './bench';

// The work behind the editor providers on the real index (dist/attack-index.json): completion
// is slotAt + completionCandidates (what the provider does before building CompletionItems);
// hover content is the entry Markdown for the reference under the cursor (hoverMarkdown's body;
// the document's parse is cached per version). Run alone: `node out/test/bench/bench.js editor`.
// Parses per edit come from the real host (test/integration/editor/parsesPerEdit.test.ts writes
// test-results/editor-parses.json).

const SAMPLES = 300;
const fixtures = path.join(projectRoot, 'test', 'fixtures', 'workspaces', 'editor');
const read = (rel: string) => fs.readFileSync(path.join(fixtures, rel), 'utf8');

interface Case {
  readonly name: string;
  readonly format: RuleFormat;
  /** Rule text with `‸` at the cursor. */
  readonly text: string;
}

const sigma = read('sigma/proc_creation_win_powershell_encoded.yml');
const elastic = read('elastic/execution_powershell_encoded.toml');
const yaral = read('yaral/powershell_encoded.yaral');

/** The fixture with `needle` replaced by `typed` and the cursor after it. */
const typedIn = (text: string, needle: string, typed: string) => {
  if (!text.includes(needle)) throw new Error(`${needle} not in fixture`);
  return text.replace(needle, `${typed}‸`);
};

const CASES: readonly Case[] = [
  { name: 'Sigma tag attack.t10 (ID prefix)', format: 'sigma', text: typedIn(sigma, 'attack.t1027', 'attack.t10') },
  { name: 'Sigma tag attack.t1059 (ID prefix)', format: 'sigma', text: typedIn(sigma, 'attack.t1027', 'attack.t1059') },
  { name: 'Sigma tag powersh (fuzzy)', format: 'sigma', text: typedIn(sigma, 'attack.t1027', 'powersh') },
  { name: 'Sigma tag cozy (fuzzy, groups by alias)', format: 'sigma', text: typedIn(sigma, 'attack.t1027', 'cozy') },
  { name: 'Sigma tag ex (fuzzy, 2 letters: the widest)', format: 'sigma', text: typedIn(sigma, 'attack.t1027', 'ex') },
  { name: 'Sigma tag command and scr (fuzzy, long)', format: 'sigma', text: typedIn(sigma, 'attack.t1027', 'command and scr') },
  { name: 'Elastic technique id T10 (ID prefix, + name/reference edits)', format: 'elastic', text: typedIn(elastic, 'id = "T1027"', 'id = "T10') },
  { name: 'Elastic sub-technique id T1059 (ID prefix)', format: 'elastic', text: typedIn(elastic, 'id = "T1059.001"', 'id = "T1059') },
  { name: 'Elastic technique name powersh (fuzzy)', format: 'elastic', text: typedIn(elastic, 'name = "PowerShell"', 'name = "powersh') },
  { name: 'YARA-L technique id T10 (ID prefix)', format: 'yaral', text: typedIn(yaral, 'T1059.001, T1027', 'T1059.001, T10') },
  { name: 'YARA-L technique id T1059 (ID prefix)', format: 'yaral', text: typedIn(yaral, 'T1059.001, T1027', 'T1059') },
  { name: 'YARA-L technique powersh (fuzzy)', format: 'yaral', text: typedIn(yaral, 'Command and Scripting Interpreter: PowerShell', 'powersh') },
  { name: 'YARA-L tactic exec (name prefix)', format: 'yaral', text: typedIn(yaral, '"Execution"', '"exec') },
];

function cursorOf(text: string): { text: string; at: { line: number; character: number } } {
  const offset = text.indexOf('‸');
  const before = text.slice(0, offset).split('\n');
  return { text: text.replace('‸', ''), at: { line: before.length - 1, character: before[before.length - 1].length } };
}

function sigmaRules(limit: number): { path: string; text: string }[] {
  const dir = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .slice(0, limit)
    .map((f) => ({ path: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

export async function run(report: BenchReport): Promise<void> {
  const json = fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8');
  const index = AttackIndex.fromJson(json);
  const search = new AttackSearch(index);
  {
    // The first fuzzy completion after loading builds the name/alias documents once.
    const cold = AttackIndex.fromJson(json);
    const { text, at } = cursorOf(CASES.find((c) => c.name.startsWith('Sigma tag powersh'))!.text);
    const t = process.hrtime.bigint();
    completionCandidates(cold, new AttackSearch(cold), slotAt(text, at, 'sigma')!);
    report.figure('completion: first fuzzy query after loading the index (cold)', Number(process.hrtime.bigint() - t) / 1e6, 'ms');
  }
  const all: number[] = [];
  for (const c of CASES) {
    const { text, at } = cursorOf(c.text);
    const lines = linesOf(text);
    const first = slotAt(lines, at, c.format);
    if (!first) throw new Error(`${c.name}: no slot at the cursor`);
    let offered = 0;
    const samples = time(SAMPLES, () => {
      const slot = slotAt(lines, at, c.format)!;
      offered = completionCandidates(index, search, slot).items.length;
    }, 20);
    if (offered === 0) throw new Error(`${c.name}: nothing offered`);
    all.push(...samples);
    report.series(`completion: ${c.name} (${offered} items)`, samples, { max: 5, stat: 'p95' });
  }
  report.figure('completion, all cases: median', median(all), 'ms');
  report.figure('completion, all cases: p95', percentile(all, 95), 'ms', 5);

  // Hover: every ATT&CK reference of real rules (SigmaHQ) and of the Elastic / YARA-L fixtures.
  const refs: AttackReference[] = [];
  for (const f of [...sigmaRules(400), { path: 'x.toml', text: elastic }, { path: 'x.yaral', text: yaral }]) {
    for (const rule of parseRuleFile(f.text, f.path, index).rules) refs.push(...rule.references);
  }
  const markdown = (ref: AttackReference, fullDescription: boolean) => {
    const entry = ref.id ? index.get(ref.id) : undefined;
    return entry ? entryHoverMarkdown(index, entry, { siteBaseUrl: 'https://attack.mitre.org', fullDescription, written: ref.text }) : unknownReferenceMarkdown(index, ref.text, ref.kind, ref.id);
  };
  for (const full of [false, true]) {
    let chars = 0;
    const samples = time(refs.length, (i) => {
      chars += markdown(refs[i], full).length;
    }, 50);
    report.series(`hover content: ${refs.length} references of 400 SigmaHQ rules + fixtures, ${full ? 'full' : 'one-sentence'} description (avg ${Math.round(chars / refs.length)} chars)`, samples, { max: 2, stat: 'p95' });
  }
  reportParsesPerEdit(report);
}

/** How often the host parsed an open document per edit, for diagnostics, completion, hover, links and code actions together. */
function reportParsesPerEdit(report: BenchReport): void {
  const file = path.join(projectRoot, 'test-results', 'editor-parses.json');
  if (!fs.existsSync(file)) {
    console.log('editor: no parses-per-edit figure yet (run `node out/test/host/runCodeServer.js editor` to measure it)');
    return;
  }
  const host = JSON.parse(fs.readFileSync(file, 'utf8')) as { parsesPerEdit: number[]; measuredAt: string };
  console.log(`editor: parses per edit from the editor integration suite, ${host.measuredAt}`);
  report.figure(`editor: parses per edit in the real host (diagnostics + completion + hover + links + code actions, max of ${host.parsesPerEdit.length} edits)`, Math.max(...host.parsesPerEdit), 'parses', 1);
}
