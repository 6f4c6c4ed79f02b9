import * as assert from 'assert';
import { LogSourceRef } from '../../src/attack/types';
import { checkRuleFile } from '../../src/checks/referenceChecks';
import { skeletonLogSource } from '../../src/coverage/skeletonLogSource';
import { readMappings, mergeMappings, ruleTelemetry, shippedMappings } from '../../src/coverage/telemetry';
import { parseRuleFile } from '../../src/rules/index';
import { ruleSkeleton, SKELETON_FORMATS, SkeletonFormat } from '../../src/rules/skeletons';
import { enterprise18 } from './helpers/rawStix';

// "Create rule for this gap" fills a skeleton's log source from the collected log source the
// Priority gaps view names: the telemetry mappings read backwards. Checked on the real Enterprise
// 18.1 analytics (needs ../shared): each skeleton, parsed back by the real parser and mapped forward,
// reads the log source's data component (taken from the STIX analytic, not from the code), and the
// chosen words are those a detection engineer would write for the named log source.

const SYSMON_PROCESS: LogSourceRef = { dataComponent: 'DC0032', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' };
const SECURITY_PROCESS: LogSourceRef = { dataComponent: 'DC0032', name: 'WinEventLog:Security', channel: 'EventCode=4688' };
const FIXED = { id: '0b7c6a52-3d4e-4f5a-9b8c-7d6e5f4a3b2c', date: '2026-01-02' };

function skeletonFor(format: SkeletonFormat, techniqueId: string, ls: LogSourceRef, mappings = shippedMappings()) {
  const index = enterprise18();
  const logSource = skeletonLogSource(format, ls, mappings);
  const s = ruleSkeleton(index, techniqueId, format, { ...FIXED, logSource })!;
  const parsed = parseRuleFile(s.text, s.fileName, index);
  return { logSource, text: s.text, parsed, rule: parsed.rules[0] };
}

describe('skeleton log sources from the collected log source (needs ../shared)', () => {
  for (const format of SKELETON_FORMATS) {
    it(`${format}: every collected log source of T1059.001, T1547.001 and T1003.001 round-trips to its data component`, () => {
      const index = enterprise18();
      let filled = 0;
      for (const id of ['T1059.001', 'T1547.001', 'T1003.001']) {
        const sources = index.analyticsFor(id).flatMap((a) => a.logSources);
        assert.ok(sources.length > 2, `${id} has analytics with log sources`);
        for (const ls of sources) {
          const { logSource, text, parsed, rule } = skeletonFor(format, id, ls);
          if (!logSource) continue;
          filled++;
          assert.deepStrictEqual(parsed.problems, [], text);
          assert.strictEqual(rule.references.some((r) => r.kind === 'technique' && r.id === id), true, text);
          const read = ruleTelemetry(rule, shippedMappings()).dataComponents;
          assert.ok(read.includes(ls.dataComponent), `${format} skeleton for ${ls.name} ${ls.channel} reads ${read.join(', ')}, not ${ls.dataComponent}:\n${text}`);
          assert.match(text, new RegExp(`${ls.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*\\(${ls.dataComponent}\\)`), 'the skeleton says which log source it reads');
          const findings = checkRuleFile(parsed, text, index).filter((f) => f.defaultSeverity !== 'hint');
          assert.deepStrictEqual(findings.map((f) => `${f.code}: ${f.message}`), []);
        }
      }
      assert.ok(filled >= 3, `${format}: ${filled} log sources filled`);
    });
  }

  it('Sigma: process creation is a category on the product the log source runs on; a Security channel EventID is a service filter', () => {
    const sysmon = skeletonFor('sigma', 'T1059.001', SYSMON_PROCESS).text;
    assert.match(sysmon, /^logsource:\n {4}product: windows #[^\n]*\n {4}category: process_creation\n/m);
    const logon = skeletonFor('sigma', 'T1078', { dataComponent: 'DC0067', name: 'WinEventLog:Security', channel: 'EventCode=4624' }).text;
    assert.match(logon, /^ {4}product: windows #[^\n]*\n {4}service: security\n/m);
    assert.match(logon, /^ {8}EventID: 4624$/m);
  });

  it('Splunk ESCU: the data_source named for the channel (Sysmon EventID 1, Security 4688)', () => {
    assert.match(skeletonFor('splunk', 'T1059.001', SYSMON_PROCESS).text, /^data_source:\n- 'Sysmon EventID 1'$/m);
    assert.match(skeletonFor('splunk', 'T1059.001', SECURITY_PROCESS).text, /^data_source:\n- '(Windows Event Log Security|Windows Security) 4688'$/m);
  });

  it('Elastic: the process index pattern and an EQL process query', () => {
    const { text, rule } = skeletonFor('elastic', 'T1059.001', SYSMON_PROCESS);
    assert.match(text, /^index = \["logs-endpoint\.events\.process-\*"\]$/m);
    assert.match(text, /^process where /m);
    assert.ok(rule.reads?.some((r) => r.value === 'event.category:process'));
  });

  it('Sentinel: the table (and EventID) the channel lands in, as the query and the connector’s data type', () => {
    const { text } = skeletonFor('sentinel', 'T1059.001', SECURITY_PROCESS);
    assert.match(text, /^ {6}- SecurityEvent$/m);
    assert.match(text, /^ {2}SecurityEvent\n {2}\| where EventID == 4688$/m);
  });

  it('YARA-L: the UDM event type', () => {
    const registry = skeletonFor('yaral', 'T1547.001', { dataComponent: 'DC0063', name: 'WinEventLog:Sysmon', channel: 'EventCode=13, 14' }).text;
    assert.match(registry, /\$e\.metadata\.event_type = "REGISTRY_[A-Z_]+"/);
    assert.match(skeletonFor('yaral', 'T1059.001', SYSMON_PROCESS).text, /\$e\.metadata\.event_type = "PROCESS_LAUNCH"/);
  });

  it('nothing maps to the data component: the format’s default skeleton', () => {
    const unknown: LogSourceRef = { dataComponent: 'DC9999', name: 'WinEventLog:Sysmon', channel: 'EventCode=1' };
    for (const format of SKELETON_FORMATS) {
      assert.strictEqual(skeletonLogSource(format, unknown, shippedMappings()), undefined, format);
      assert.strictEqual(skeletonFor(format, 'T1059.001', unknown).text, ruleSkeleton(enterprise18(), 'T1059.001', format, FIXED)!.text, format);
    }
  });

  it('a user mapping that does not read as plain words in the format is not written into a skeleton', () => {
    const extra = readMappings({ 'sigma:category:evil\n    product: x': ['DC9998'], 'sentinel:table:Bad | union *': ['DC9998'], 'splunk:Sysmon EventID 1': ['DC0032'] }, 'test');
    assert.deepStrictEqual(extra.problems, []);
    const mappings = mergeMappings(shippedMappings(), extra.mappings);
    const ls: LogSourceRef = { dataComponent: 'DC9998', name: 'x', channel: '' };
    assert.strictEqual(skeletonLogSource('sigma', ls, mappings), undefined);
    assert.strictEqual(skeletonLogSource('sentinel', ls, mappings), undefined);
    // The log source's own text goes into a comment on one line.
    const { text } = skeletonFor('splunk', 'T1059.001', { dataComponent: 'DC0032', name: 'WinEventLog:Sysmon\ndata_source: []', channel: 'EventCode=1' }, mappings);
    assert.strictEqual(text.match(/^data_source:/gm)?.length, 1, text);
  });
});
