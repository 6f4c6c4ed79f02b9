import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { AttackDataError, AttackIndex } from '../../src/attack/index';
import { projectRoot } from './coverage-helpers';
import { enterprise18, rawStix } from './helpers/rawStix';
import { rawTelemetry, RawTelemetry } from './helpers/rawTelemetry';

// The index's telemetry lookups (a technique's data components and analytics, a log source's data
// components, data sources grouping components) against the raw STIX of ATT&CK 18.1.

const BUNDLE = 'enterprise-attack-18.1.json';

describe('ATT&CK index telemetry lookups on 18.1 (needs ../shared)', () => {
  let index: AttackIndex;
  let raw: RawTelemetry;
  before(() => {
    index = enterprise18();
    raw = rawTelemetry(BUNDLE);
  });

  it("a technique's data components are those of the analytics of the strategies that detect it", () => {
    let checked = 0;
    for (const id of raw.activeTechniques) {
      const analytics = raw.analyticsOf.get(id) ?? [];
      assert.deepStrictEqual(
        index
          .analyticsFor(id)
          .map((a) => a.id)
          .sort(),
        analytics.map((a) => a.id).sort(),
        id,
      );
      const expected = [...new Set(analytics.flatMap((a) => a.refs.map(([dc]) => dc)))].sort();
      assert.deepStrictEqual(index.dataComponentIdsFor(id), expected, id);
      if (expected.length) checked++;
    }
    assert.ok(checked > 500, `${checked} techniques have data components`);
    const linuxOnly = [...new Set((raw.analyticsOf.get('T1059.004') ?? []).filter((a) => !a.platforms.length || a.platforms.includes('Linux')).flatMap((a) => a.refs.map(([dc]) => dc)))].sort();
    assert.deepStrictEqual(index.dataComponentIdsFor('T1059.004', ['linux']), linuxOnly);
  });

  it('a log source name stands for the data components that list it, in analytics or in their own lists', () => {
    for (const [name, ids] of raw.componentsOfLogSource) {
      assert.deepStrictEqual(index.dataComponentsForLogSource(name.toUpperCase()), [...ids].sort(), name);
      assert.ok(index.logSourceName(name));
    }
    assert.ok(index.dataComponentsForLogSource('WinEventLog:Sysmon').includes(raw.componentByName.get('process creation')!));
    assert.deepStrictEqual(index.dataComponentsForLogSource('no such log'), []);
    assert.strictEqual(index.logSourceNames().length, raw.componentsOfLogSource.size);
    const ofProcessCreation = index.logSourcesOf(raw.componentByName.get('process creation')!);
    assert.ok(ofProcessCreation.get('WinEventLog:Security')?.includes('EventCode=4688'), JSON.stringify([...ofProcessCreation]));
  });

  it('finds a data component by ID or name, and groups active components by data source', () => {
    assert.strictEqual(index.findDataComponent('process creation')?.id, raw.componentByName.get('process creation'));
    assert.strictEqual(index.findDataComponent('DC0039')?.name, 'File Creation');
    assert.strictEqual(index.findDataComponent('T1059'), undefined);
    const groups = index.dataSources();
    const listed = groups.flatMap((g) => g.dataComponents.map((c) => c.id));
    assert.deepStrictEqual(new Set(listed), new Set(raw.componentByName.values()), 'every active component once');
    assert.strictEqual(listed.length, new Set(listed).size);
    const process = groups.find((g) => g.name === 'Process')!;
    // 18.1 names data sources but no longer links components to them: the names are the grouping.
    const { objects } = rawStix(BUNDLE);
    const expected = objects
      .filter((o) => o.type === 'x-mitre-data-component' && o.revoked !== true && o.x_mitre_deprecated !== true && /^Process /.test(String(o.name)))
      .map((o) => String(o.name))
      .sort();
    assert.deepStrictEqual(process.dataComponents.map((c) => c.name).sort(), expected);
    assert.strictEqual(groups[groups.length - 1].name, undefined, 'components no data source names come last');
  });

  it('an index compiled before data components kept their log sources still loads; a wrong list is refused with its path', () => {
    const text = fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8');
    const older = JSON.parse(text) as { domains: { dataComponents: Record<string, unknown>[] }[] };
    for (const d of older.domains) {
      for (const c of d.dataComponents) {
        delete c.logSources;
        delete c.dataSource;
      }
    }
    const loaded = AttackIndex.fromJson(JSON.stringify(older));
    const fromAnalytics = new Set<string>();
    for (const d of loaded.domains) for (const a of d.analytics) for (const ls of a.logSources) if (ls.name.trim().toLowerCase() === 'wineventlog:sysmon') fromAnalytics.add(ls.dataComponent);
    assert.deepStrictEqual(loaded.dataComponentsForLogSource('WinEventLog:Sysmon'), [...fromAnalytics].sort(), 'the analytics still name their log sources');
    older.domains[0].dataComponents[0].logSources = [{ name: 'x' }];
    assert.throws(
      () => AttackIndex.fromJson(JSON.stringify(older)),
      (e: Error) => e instanceof AttackDataError && /dataComponents\[0\]\.logSources: expected a list of strings/.test(e.message),
    );
  });
});
