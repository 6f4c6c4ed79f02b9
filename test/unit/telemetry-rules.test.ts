import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseRuleFile } from '../../src/rules/index';
import { DetectionRule } from '../../src/rules/types';
import { mergeMappings, readMappings, ruleTelemetry, shippedMappings } from '../../src/coverage/telemetry';
import { projectRoot, rawObjects } from './helpers/attackData';

// What each parser says a rule reads, in its format's words, and how the shipped data file maps
// that to ATT&CK data components (checked against the 18.1 bundle's data component objects).

function onlyRule(text: string, file: string): DetectionRule {
  const parsed = parseRuleFile(text, file);
  assert.strictEqual(parsed.rules.length, 1, `${file}: ${JSON.stringify(parsed.problems)}`);
  return parsed.rules[0];
}

const values = (r: DetectionRule) => (r.reads ?? []).map((u) => `${u.format}:${u.value}`);

/** Active data components of Enterprise 18.1 by ID, read from the raw bundle. */
function dataComponents(): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of rawObjects('enterprise-attack-18.1.json')) {
    if (o.type !== 'x-mitre-data-component' || o.revoked || o.x_mitre_deprecated) continue;
    const id = (o.external_references as { source_name: string; external_id?: string }[]).find((r) => r.source_name === 'mitre-attack')?.external_id;
    if (id) out.set(id, o.name as string);
  }
  return out;
}

const sigma = (logsource: string, detection = '    selection:\n        Image|endswith: \\x.exe\n    condition: selection\n', extra = '') =>
  `title: T\nid: 5a0c7b4b-2f5e-4c8a-9d3e-1f2a3b4c5d6e\nstatus: stable\nlevel: high\n${extra}logsource:\n${logsource}detection:\n${detection}tags:\n    - attack.t1059.001\n`;

describe('telemetry: what each rule reads', () => {
  it('Sigma: the category, product/service with the EventIDs the detection filters on, or the product alone; status and level as maturity', () => {
    const category = onlyRule(sigma('    category: process_creation\n    product: windows\n'), 'a.yml');
    assert.deepStrictEqual(values(category), ['sigma:category:process_creation']);
    assert.deepStrictEqual(category.maturity, [{ field: 'status', value: 'stable' }, { field: 'level', value: 'high' }]);
    const security = onlyRule(sigma('    product: windows\n    service: security\n', '    selection:\n        EventID:\n            - 4697\n            - 4698\n    other:\n        EventID|gt: 4624\n    condition: selection or other\n'), 'b.yml');
    assert.deepStrictEqual(values(security), ['sigma:service:windows/security:4697', 'sigma:service:windows/security:4698', 'sigma:service:windows/security:4624']);
    const noIds = onlyRule(sigma('    product: aws\n    service: cloudtrail\n'), 'c.yml');
    assert.deepStrictEqual(values(noIds), ['sigma:service:aws/cloudtrail']);
    assert.deepStrictEqual(values(onlyRule(sigma('    product: linux\n'), 'd.yml')), ['sigma:product:linux']);
  });

  it('Splunk ESCU: each data_source as named, both sides of an AND; status as maturity', () => {
    const r = onlyRule('name: X\nid: 0b9c3f36-1111-2222-3333-444455556666\nstatus: production\ndata_source:\n- Sysmon EventID 1 AND Sysmon EventID 11\n- Windows Event Log Security 4688\nsearch: \'| tstats count\'\ntags:\n  mitre_attack_id:\n  - T1059\n', 'detections/endpoint/x.yml');
    assert.deepStrictEqual(values(r), ['splunk:Sysmon EventID 1', 'splunk:Sysmon EventID 11', 'splunk:Windows Event Log Security 4688']);
    assert.deepStrictEqual(r.maturity, [{ field: 'status', value: 'production' }]);
  });

  it('Elastic: index patterns, related integrations and the event categories of a KQL or EQL query; maturity', () => {
    const toml = (query: string, language: string) =>
      `[metadata]\nmaturity = "production"\n\n[rule]\nname = "X"\nrule_id = "x"\nlanguage = "${language}"\nindex = ["logs-endpoint.events.*", "winlogbeat-*"]\nquery = '''\n${query}\n'''\n\n[[rule.related_integrations]]\npackage = "windows"\nintegration = "sysmon_operational"\n\n[[rule.related_integrations]]\npackage = "endpoint"\n`;
    const eql = onlyRule(toml('sequence by host.id\n [process where event.type == "start"]\n [network where true]', 'eql'), 'r.toml');
    assert.deepStrictEqual(values(eql), ['elastic:index:logs-endpoint.events.*', 'elastic:index:winlogbeat-*', 'elastic:integration:windows.sysmon_operational', 'elastic:integration:endpoint', 'elastic:event.category:process', 'elastic:event.category:network']);
    assert.deepStrictEqual(eql.maturity, [{ field: 'maturity', value: 'production' }]);
    const kql = onlyRule(toml('event.category:(process or file) and event.type:start', 'kuery'), 'k.toml');
    assert.deepStrictEqual(values(kql).slice(4), ['elastic:event.category:process', 'elastic:event.category:file']);
  });

  it('Sentinel: connectors, their dataTypes, and the tables the query reads (a Windows event table with its EventIDs); status and enabled', () => {
    const yaml = `id: 1b2c3d4e-0000-1111-2222-333344445555\nname: X\nstatus: Available\nenabled: false\nrequiredDataConnectors:\n  - connectorId: SecurityEvents\n    dataTypes:\n      - SecurityEvent\nquery: |\n  // DeviceEvents is too noisy\n  let x = 5;\n  SecurityEvent\n  | where EventID in (4688, 4624)\n  | join (DeviceProcessEvents | where true) on DeviceId\n  | project TimeGenerated, Account\nrelevantTechniques:\n  - T1059\n`;
    const r = onlyRule(yaml, 'Detections/x.yaml');
    assert.deepStrictEqual(values(r), ['sentinel:connector:SecurityEvents', 'sentinel:dataType:SecurityEvent', 'sentinel:table:SecurityEvent:4688', 'sentinel:table:SecurityEvent:4624', 'sentinel:table:DeviceProcessEvents']);
    assert.deepStrictEqual(r.maturity, [{ field: 'status', value: 'Available' }, { field: 'enabled', value: 'false' }]);
  });

  it('YARA-L: the UDM event types the events section matches (not those it excludes) and meta log_type / data_source', () => {
    const text = `rule x {\n  meta:\n    log_type = "WINDOWS_SYSMON"\n    technique = "T1059"\n  events:\n    $e.metadata.event_type = "PROCESS_LAUNCH"\n    $f.metadata.event_type != "FILE_CREATION"\n    $g.metadata.event_type = "NETWORK_CONNECTION"\n  condition:\n    $e\n}\n`;
    assert.deepStrictEqual(values(onlyRule(text, 'x.yaral')), ['yaral:event_type:PROCESS_LAUNCH', 'yaral:event_type:NETWORK_CONNECTION', 'yaral:log_type:WINDOWS_SYSMON']);
  });

  it('a rule naming thousands of EventIDs is read up to the log-source cap, with a problem saying so', () => {
    const ids = Array.from({ length: 1500 }, (_, i) => `            - ${4000 + i}`).join('\n');
    const parsed = parseRuleFile(sigma('    product: windows\n    service: security\n', `    selection:\n        EventID:\n${ids}\n    condition: selection\n`), 'big.yml');
    assert.strictEqual(parsed.rules[0].reads?.length, 1000);
    assert.ok(parsed.problems.some((p) => p.limit && /log sources/.test(p.message)), JSON.stringify(parsed.problems));
  });
});

describe('telemetry: mapping to data components (needs ../shared)', () => {
  let components: Map<string, string>;
  const mappings = shippedMappings();
  before(() => {
    components = dataComponents();
  });

  it('the examples the issue names map to the data components ATT&CK 18.1 gives those IDs and names', () => {
    const expected: [string, string, string][] = [
      ['process_creation', 'DC0032', 'Process Creation'],
      ['file_event', 'DC0039', 'File Creation'],
      ['image_load', 'DC0016', 'Module Load'],
      ['registry_set', 'DC0063', 'Windows Registry Key Modification'],
      ['network_connection', 'DC0082', 'Network Connection Creation'],
    ];
    for (const [category, id, name] of expected) {
      assert.strictEqual(components.get(id), name, `${id} in the bundle`);
      const rule = onlyRule(sigma(`    category: ${category}\n    product: windows\n`), 'a.yml');
      assert.deepStrictEqual(ruleTelemetry(rule, mappings), { dataComponents: [id], unmapped: [] }, category);
    }
  });

  it('every ID in the shipped data file is an active data component of ATT&CK 18.1, and every unmappable entry has a reason', () => {
    const file = JSON.parse(fs.readFileSync(path.join(projectRoot, 'src', 'coverage', 'telemetry-mappings.json'), 'utf8')) as { mappings: Record<string, Record<string, string[]>>; unmappable: Record<string, string> };
    let n = 0;
    for (const [format, table] of Object.entries(file.mappings)) {
      for (const [value, ids] of Object.entries(table)) {
        for (const id of ids) assert.ok(components.has(id), `${format}:${value} → ${id} is not an active data component`);
        n++;
      }
    }
    assert.ok(n > 300, `${n} entries`);
    for (const [key, why] of Object.entries(file.unmappable)) {
      assert.ok(why.length > 20, `${key} needs a reason`);
      assert.ok(!mappings.entries.get(key)?.length, `${key} is both mapped and unmappable`);
    }
  });

  it('what does not map is kept as unmapped; a container (index, connector) is unmapped only when nothing else the rule reads maps', () => {
    const r = (values: string[]) => ({ reads: values.map((v) => ({ format: v.split(':')[0], value: v.slice(v.indexOf(':') + 1) })) });
    assert.deepStrictEqual(ruleTelemetry(r(['sigma:category:no_such_category']), mappings), { dataComponents: [], unmapped: [{ format: 'sigma', value: 'category:no_such_category' }] });
    assert.deepStrictEqual(ruleTelemetry(r(['elastic:index:winlogbeat-*', 'elastic:event.category:process']), mappings), { dataComponents: ['DC0032'], unmapped: [] });
    assert.deepStrictEqual(ruleTelemetry(r(['elastic:index:my-own-index-*']), mappings), { dataComponents: [], unmapped: [{ format: 'elastic', value: 'index:my-own-index-*' }] });
    assert.deepStrictEqual(ruleTelemetry(r(['sentinel:connector:Foo', 'sentinel:table:Bar_CL', 'sentinel:table:DeviceProcessEvents']), mappings), { dataComponents: ['DC0032'], unmapped: [{ format: 'sentinel', value: 'table:Bar_CL' }] });
    assert.deepStrictEqual(ruleTelemetry({}, mappings), { dataComponents: [], unmapped: [] }, 'a generic rule reads nothing it states');
  });

  it("a user's entries (inline or a file's shape) extend and override the shipped ones; bad entries are named", () => {
    const inline = readMappings({ 'sigma:category:my_edr_process': ['DC0032'], 'sigma:category:file_event': ['DC0061'], 'sigma:category:bad': ['Process Creation'] }, 'attackLens.telemetry.mappings');
    assert.deepStrictEqual(inline.problems.length, 1);
    assert.match(inline.problems[0], /sigma:category:bad.*"Process Creation"/);
    const file = readMappings({ mappings: { splunk: { 'My EDR Process': ['DC0032'] } }, unmappable: { 'splunk:Mine': 'a reason long enough to read' } }, 'extra.json');
    assert.deepStrictEqual(file.problems, []);
    const merged = mergeMappings(mappings, inline.mappings, file.mappings);
    const t = (format: string, value: string) => ruleTelemetry({ reads: [{ format, value }] }, merged).dataComponents;
    assert.deepStrictEqual(t('sigma', 'category:my_edr_process'), ['DC0032']);
    assert.deepStrictEqual(t('sigma', 'category:file_event'), ['DC0061'], 'the user entry replaces the shipped one');
    assert.deepStrictEqual(t('splunk', 'My EDR Process'), ['DC0032']);
    assert.deepStrictEqual(t('sigma', 'category:process_creation'), ['DC0032'], 'shipped entries stay');
    assert.deepStrictEqual(shippedMappings().entries.get('sigma:category:file_event'), ['DC0039'], 'merging leaves the shipped mappings as they were');
    assert.deepStrictEqual(readMappings('nope', 'x').problems.length, 1);
  });
});
