import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { allCollected, collectedOn, readTelemetryProfile, telemetryJsonFromText, TelemetryFileError, telemetryProfileToSetting, telemetryReadingMessage } from '../../src/coverage/telemetryProfile';
import { enterprise18 } from './helpers/rawStix';
import { rawTelemetry, RawTelemetry } from './helpers/rawTelemetry';

// Telemetry profiles from the setting and from files (the plain object as JSON or YAML, a VS Code
// settings file, DeTT&CT's data-source administration YAML), on real ATT&CK 18.1; the data
// components each name stands for are looked up in the raw STIX, not through the index.

const BUNDLE = 'enterprise-attack-18.1.json';

describe('telemetry profile on ATT&CK 18.1 (needs ../shared)', () => {
  let index: AttackIndex;
  let raw: RawTelemetry;
  before(() => {
    index = enterprise18();
    raw = rawTelemetry(BUNDLE);
  });
  const dc = (name: string) => raw.componentByName.get(name.toLowerCase())!;

  it('resolves IDs, names (any case) and log source names to data component IDs', () => {
    const r = readTelemetryProfile({ dataComponents: ['DC0039', 'process creation'], logSources: ['wineventlog:security', 'AWS:CloudTrail'] }, index);
    const expected = new Set(['DC0039', dc('Process Creation'), ...raw.componentsOfLogSource.get('wineventlog:security')!, ...raw.componentsOfLogSource.get('aws:cloudtrail')!]);
    assert.deepStrictEqual(new Set(r.profile!.collected), expected);
    assert.ok(expected.size > 5);
    assert.strictEqual(telemetryReadingMessage(r, index.versionLabel), undefined);
  });

  it('names the unknown data components and log sources, and keeps what it could read', () => {
    const r = readTelemetryProfile({ dataComponents: ['Process Creation', 'DC9999', 'Proces Creation'], logSources: ['WinEventLog:Sysmonn'], platforms: { Linux: 'auditd' } }, index);
    assert.deepStrictEqual([...r.profile!.collected], [dc('Process Creation')]);
    assert.deepStrictEqual(r.unknownDataComponents, ['DC9999', 'Proces Creation']);
    assert.deepStrictEqual(r.unknownLogSources, ['WinEventLog:Sysmonn']);
    const message = telemetryReadingMessage(r, 'ATT&CK v18.1')!;
    assert.match(message, /data components not in ATT&CK v18\.1: “DC9999”, “Proces Creation”/);
    assert.match(message, /a log source no ATT&CK v18\.1 data component lists: “WinEventLog:Sysmonn”/);
    assert.match(message, /platforms\.Linux must be/);
  });

  it('no setting, or an empty one, is no profile', () => {
    assert.strictEqual(readTelemetryProfile(undefined, index).profile, undefined);
    assert.strictEqual(readTelemetryProfile({}, index).profile, undefined);
  });

  it('per-platform lists add to what is collected everywhere on that platform only', () => {
    const r = readTelemetryProfile({ dataComponents: ['File Creation'], platforms: { Linux: { logSources: ['auditd:SYSCALL'] } } }, index);
    const auditd = raw.componentsOfLogSource.get('auditd:syscall')!;
    assert.deepStrictEqual(new Set(collectedOn(r.profile!, ['Windows'])), new Set([dc('File Creation')]));
    assert.deepStrictEqual(new Set(collectedOn(r.profile!, ['linux', 'macOS'])), new Set([dc('File Creation'), ...auditd]));
    assert.deepStrictEqual(allCollected(r.profile!), [...new Set([dc('File Creation'), ...auditd])].sort());
    const again = readTelemetryProfile(telemetryProfileToSetting(r.profile!), index).profile!;
    assert.deepStrictEqual(new Set(collectedOn(again, ['Linux'])), new Set(collectedOn(r.profile!, ['Linux'])), 'what the command saves reads back the same');
  });

  it('reads the plain object as JSON or YAML, and a settings or .code-workspace file holding attackLens.telemetry', () => {
    const want = { dataComponents: ['DC0032', 'Process Creation'], logSources: ['WinEventLog:Sysmon'] };
    assert.deepStrictEqual(telemetryJsonFromText(JSON.stringify(want), 'telemetry.json'), want);
    assert.deepStrictEqual(telemetryJsonFromText('dataComponents:\n  - DC0032\n  - Process Creation\nlogSources: [WinEventLog:Sysmon]\n', 'telemetry.yml'), want);
    assert.deepStrictEqual(telemetryJsonFromText(`{\n  // the team's\n  "editor.tabSize": 2,\n  "attackLens.telemetry": ${JSON.stringify(want)},\n}`, 'settings.json'), want);
    assert.deepStrictEqual(telemetryJsonFromText(JSON.stringify({ folders: [], settings: { 'attackLens.telemetry': want } }), 'team.code-workspace'), want);
    assert.throws(
      () => telemetryJsonFromText('{"editor.tabSize": 2}', 'settings.json'),
      (e: Error) => e instanceof TelemetryFileError && /none of dataComponents/.test(e.message),
    );
    assert.throws(
      () => telemetryJsonFromText('{"dataComponents": [', 'x.json'),
      (e: Error) => e instanceof TelemetryFileError && /not valid JSON/.test(e.message),
    );
    assert.throws(
      () => telemetryJsonFromText('a: [', 'x.yaml'),
      (e: Error) => e instanceof TelemetryFileError && /not valid YAML/.test(e.message),
    );
  });

  it('reads a DeTT&CT data-source administration file: collected entries, quality kept, systems as platforms, unknown names reported', () => {
    const yaml = [
      'version: 1.2',
      'file_type: data-source-administration',
      'name: SOC endpoints',
      'domain: enterprise-attack',
      'systems:',
      '  - applicable_to: servers',
      '    platform: [Linux]',
      '  - applicable_to: all-endpoints',
      '    platform: [all]',
      'data_sources:',
      '  - data_source_name: Process Creation',
      '    data_source:',
      '      - applicable_to: [all-endpoints]',
      '        date_registered: 2024-03-01',
      '        products: [Sysmon]',
      '        available_for_data_analytics: true',
      '        data_quality: {device_completeness: 4, data_field_completeness: 5, timeliness: 5, consistency: 4, retention: 3}',
      '  - data_source_name: Network Connection Creation',
      '    data_source:',
      '      - applicable_to: [servers]',
      '        data_quality: {device_completeness: 2, data_field_completeness: 1, timeliness: 1, consistency: 1, retention: 1}',
      '  - data_source_name: File Deletion',
      '    data_source:',
      '      - applicable_to: [all]',
      '        data_quality: {device_completeness: 0, data_field_completeness: 0, timeliness: 0, consistency: 0, retention: 0}',
      '  - data_source_name: Web Proxy',
      '    data_quality: {device_completeness: 3, data_field_completeness: 3, timeliness: 3, consistency: 3, retention: 3}',
    ].join('\n');
    const json = telemetryJsonFromText(yaml, 'data-sources.yaml');
    const r = readTelemetryProfile(json, index);
    assert.strictEqual(r.profile!.name, 'SOC endpoints');
    assert.deepStrictEqual([...r.profile!.collected], [dc('Process Creation')], 'all-zero scores are not collected; Web Proxy is unknown');
    assert.deepStrictEqual([...(r.profile!.byPlatform.get('linux') ?? [])], [dc('Network Connection Creation')]);
    assert.deepStrictEqual(r.unknownDataComponents, ['Web Proxy'], 'a DeTT&CT data source ATT&CK has no component for is named');
    assert.deepStrictEqual(r.profile!.quality.get(dc('Process Creation')), { device_completeness: 4, data_field_completeness: 5, timeliness: 5, consistency: 4, retention: 3 });
    assert.strictEqual(r.profile!.quality.has(dc('File Deletion')), false);
  });
});
