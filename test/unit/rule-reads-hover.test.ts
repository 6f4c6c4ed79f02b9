import * as assert from 'assert';
import { ruleReadsMarkdown } from '../../src/editor/ruleReadsHover';
import { ruleTelemetry, shippedMappings } from '../../src/coverage/telemetry';
import { readTelemetryProfile } from '../../src/coverage/telemetryProfile';
import { parseRuleFile } from '../../src/rules/index';
import { enterprise18 } from './helpers/rawStix';

// The hover's "This rule reads" line (needs ../shared): the data components a real parsed rule reads,
// named as ATT&CK names them, with "collected" / "not collected" only with a telemetry profile, on
// the technique's platforms; unmapped values named, and every piece of outside text escaped.

const sigma = (category: string, extra = '') =>
  `title: T\nlogsource:\n    product: windows\n    category: ${category}\n${extra}detection:\n    sel:\n        a: b\n    condition: sel\ntags:\n    - attack.t1003.001\n`;

function line(text: string, profile?: unknown, platforms: readonly string[] = []) {
  const index = enterprise18();
  const rule = parseRuleFile(text, 'rule.yml', index).rules[0];
  const telemetry = profile ? { profile: readTelemetryProfile(profile, index).profile!, platforms } : undefined;
  return ruleReadsMarkdown(index, ruleTelemetry(rule, shippedMappings()), index.get('T1003.001'), telemetry);
}

const plain = (md: string | undefined) => md?.replace(/\\(.)/g, '$1');

describe('hover: what the rule reads (needs ../shared)', () => {
  it('without a profile, the data components alone, by ATT&CK name', () => {
    const index = enterprise18();
    const access = index.findDataComponent('Process Access')!;
    assert.strictEqual(plain(line(sigma('process_access'))), `**This rule reads:** ${access.id} Process Access`);
  });

  it('with a profile, whether each is collected; a per-platform component counts on the technique’s platforms', () => {
    const index = enterprise18();
    const access = index.findDataComponent('Process Access')!.id;
    assert.strictEqual(plain(line(sigma('process_access'), { dataComponents: ['Process Creation'] })), `**This rule reads:** ${access} Process Access (not collected)`);
    assert.strictEqual(plain(line(sigma('process_access'), { dataComponents: [access] })), `**This rule reads:** ${access} Process Access (collected)`);
    // T1003.001 is a Windows technique: collected on macOS only is not collected for it.
    assert.strictEqual(plain(line(sigma('process_access'), { platforms: { macOS: { dataComponents: [access] } } })), `**This rule reads:** ${access} Process Access (not collected)`);
    assert.strictEqual(plain(line(sigma('process_access'), { platforms: { Windows: { dataComponents: [access] } } })), `**This rule reads:** ${access} Process Access (collected)`);
  });

  it('names what maps to nothing, escaped: no link or HTML survives', () => {
    const md = line(sigma("'[x](command:evil) <img src=x>'"))!;
    assert.ok(md.startsWith('**This rule reads:** unmapped\\: sigma\\:category\\:'), md);
    assert.doesNotMatch(md, /[^\\]\[x\]|[^\\]<img|[^\\]\(command/);
  });

  it('a rule that reads nothing the format states: no line', () => {
    const index = enterprise18();
    assert.strictEqual(ruleReadsMarkdown(index, { dataComponents: [], unmapped: [] }, index.get('T1003.001')), undefined);
  });
});
