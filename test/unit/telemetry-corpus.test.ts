import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { loadAll } from 'js-yaml';
import { CoverageModel } from '../../src/coverage/model';
import { shippedMappings } from '../../src/coverage/telemetry';
import { telemetrySummary } from '../../src/coverage/telemetryReport';
import { parseRuleFile } from '../../src/rules/index';
import { index18, projectRoot, sharedRoot } from './helpers/attackData';

// The shipped telemetry mappings against the real corpora (SigmaHQ, Splunk ESCU). The counts here
// come from js-yaml and a walk written in this file, not from the parsers under test; the data
// file is read as plain JSON.

const SIGMA = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
const SPLUNK = path.join(sharedRoot, 'corpora', 'splunk', 'detections');
const MIN_RULES = 20;

interface DataFile {
  readonly mappings: Record<string, Record<string, string[]>>;
  readonly containers: Record<string, string[]>;
  readonly unmappable: Record<string, string>;
}
const data = JSON.parse(fs.readFileSync(path.join(projectRoot, 'src', 'coverage', 'telemetry-mappings.json'), 'utf8')) as DataFile;

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yml'))
    .map((f) => path.join(dir, f))
    .sort();
}

type Doc = Record<string, unknown>;
/** Files js-yaml cannot read (a few ESCU detections): not rules to count, and no parser reads them either. */
const unreadable: string[] = [];
function docs(file: string): Doc[] {
  let all: unknown[];
  try {
    all = loadAll(fs.readFileSync(file, 'utf8'));
  } catch {
    unreadable.push(file);
    return [];
  }
  return all.filter((d): d is Doc => !!d && typeof d === 'object' && !Array.isArray(d));
}

function bump(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

/** Whether a value is mapped to data components (each an ID) or listed as unmappable with a reason. */
function accounted(format: string, value: string): boolean {
  const ids = data.mappings[format]?.[value];
  return (ids !== undefined && ids.length > 0 && ids.every((id) => /^DC\d{4}$/.test(id))) || (data.unmappable[`${format}:${value}`] ?? '').length > 0;
}

/** The EventIDs anywhere under a Sigma detection. */
function eventIds(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const x of node) eventIds(x, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (/^EventID(\|.*)?$/.test(k)) {
        for (const x of [v].flat()) if (/^\d+$/.test(String(x))) out.add(String(x));
      } else eventIds(v, out);
    }
  }
  return out;
}

describe('telemetry mappings on the real corpora (needs ../shared)', function () {
  this.timeout(300_000);

  it(`every Sigma logsource category used by ${MIN_RULES} or more SigmaHQ rules maps, or is listed as unmappable with a reason`, () => {
    const categories = new Map<string, number>();
    for (const f of yamlFiles(SIGMA)) for (const d of docs(f)) {
      const c = (d.logsource as Doc | undefined)?.category;
      if (typeof c === 'string') bump(categories, c.toLowerCase());
    }
    const used = [...categories].filter(([, n]) => n >= MIN_RULES);
    assert.deepStrictEqual(unreadable, [], 'SigmaHQ is valid YAML');
    assert.ok(used.length >= 10, `${used.length} categories`);
    assert.ok(used.some(([c]) => c === 'process_creation'));
    const missing = used.filter(([c]) => !accounted('sigma', `category:${c}`));
    assert.deepStrictEqual(missing, []);
  });

  it(`every Splunk ESCU data_source used by ${MIN_RULES} or more detections maps (each side of an AND), or is listed as unmappable with a reason`, () => {
    const sources = new Map<string, number>();
    const files = yamlFiles(SPLUNK);
    for (const f of files) for (const d of docs(f)) for (const s of [d.data_source ?? []].flat()) if (typeof s === 'string') bump(sources, s.trim());
    assert.ok(unreadable.length < files.length / 100, `${unreadable.length} files js-yaml cannot read`);
    const used = [...sources].filter(([, n]) => n >= MIN_RULES);
    assert.ok(used.length >= 8, `${used.length} data sources`);
    const missing = used.filter(([s]) => !s.split(/\s+AND\s+/).every((part) => accounted('splunk', part.trim())));
    assert.deepStrictEqual(missing, []);
  });

  it("coverage's telemetry counts over SigmaHQ equal a count from js-yaml and the data file: rules per data component, rules per unmapped log source", () => {
    const components = new Map<string, number>();
    const unmapped = new Map<string, number>();
    const containers = data.containers.sigma ?? [];
    const files = yamlFiles(SIGMA);
    for (const f of files) {
      const deprecatedFolder = path.relative(SIGMA, f).split(path.sep).slice(0, -1).some((p) => /^_?deprecated$/i.test(p));
      for (const d of docs(f)) {
        if (deprecatedFolder || String(d.status).toLowerCase() === 'deprecated') continue;
        const ls = (d.logsource ?? {}) as Doc;
        const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : undefined);
        const [product, category, service] = [lower(ls.product), lower(ls.category), lower(ls.service)];
        const reads: string[] = [];
        if (category) reads.push(`category:${category}`);
        else if (service) {
          const name = `service:${product ? `${product}/` : ''}${service}`;
          const ids = [...eventIds(d.detection, new Set())];
          reads.push(...(ids.length ? ids.map((id) => `${name}:${id}`) : [name]));
        }
        if (!category && !service && product) reads.push(`product:${product}`);
        const dcs = new Set<string>();
        const misses = new Set<string>();
        const boxes: string[] = [];
        for (const v of reads) {
          const ids = data.mappings.sigma[v];
          if (ids === undefined && !containers.some((p) => v.startsWith(p))) misses.add(v);
          else if (!ids || ids.length === 0) boxes.push(v);
          else ids.forEach((id) => dcs.add(id));
        }
        if (dcs.size === 0) boxes.forEach((b) => misses.add(b));
        dcs.forEach((id) => bump(components, id));
        misses.forEach((v) => bump(unmapped, `sigma:${v}`));
      }
    }
    const index = index18();
    const parsed = files.map((f) => parseRuleFile(fs.readFileSync(f, 'utf8'), f, index));
    const summary = telemetrySummary(parsed, CoverageModel.build(parsed, index), shippedMappings());
    const actualComponents = new Map(Object.entries(summary.json.dataComponents).map(([id, v]) => [id, v.rules]));
    assert.deepStrictEqual([...actualComponents].sort(), [...components].sort());
    assert.deepStrictEqual(new Map(Object.entries(summary.json.unmappedLogSources)), new Map([...unmapped].sort()));
    assert.ok((components.get('DC0032') ?? 0) > 1000, 'process creation is most of SigmaHQ');
    assert.strictEqual(summary.json.dataComponents.DC0032.name, 'Process Creation');
  });
});
