import * as assert from 'assert';
import { AttackIndex } from '../../src/attack/index';
import { buildMatrix } from '../../src/coverage/matrixData';
import { escapeXml, renderMatrixHtml } from '../../src/coverage/matrixReport';
import { CoverageModel } from '../../src/coverage/model';
import { renderReport } from '../../src/coverage/report';
import { readTelemetryProfile } from '../../src/coverage/telemetryProfile';
import { componentsReadByCoveringRules, telemetryStates } from '../../src/coverage/telemetryStates';
import { AttackReference, ParsedRuleFile, span } from '../../src/rules/types';
import { loadIndex } from './coverage-helpers';

// The editor's report exports with a telemetry profile (issue #12 §4): the json report carries the
// CLI's `telemetryStates`, and the matrix's HTML report adds the four states per tactic, counted
// here from the states of each tactic's techniques.

const STATES = ['detected', 'no-telemetry', 'visible', 'blind'] as const;

function file(path: string, ids: readonly string[]): ParsedRuleFile {
  const references: AttackReference[] = ids.map((id, k) => ({ text: `attack.${id.toLowerCase()}`, kind: 'technique', id, span: span(k + 3, 4, k + 3, 14), field: 'tags', ruleIndex: 0 }));
  return { path, format: 'sigma', problems: [], rules: [{ index: 0, title: path, deprecated: false, span: span(0, 0, 0, 0), platforms: [], references }] };
}

describe('report exports with telemetry states (needs ../shared)', () => {
  let index: AttackIndex;
  let model: CoverageModel;
  let states: ReturnType<typeof telemetryStates>;
  before(() => {
    index = loadIndex();
    model = CoverageModel.build([file('ps.yml', ['T1059.001']), file('obf.yml', ['T1027'])], index);
    const profile = readTelemetryProfile({ dataComponents: ['DC0032'] }, index).profile!;
    states = telemetryStates(model, profile, componentsReadByCoveringRules(model, (ref) => ({ dataComponents: ref.path === 'ps.yml' ? ['DC0032'] : [], unmapped: [] })));
  });

  it('the json report adds telemetryStates with a telemetry profile, and nothing without', () => {
    const withStates = JSON.parse(renderReport(model, 'json', { telemetry: states })) as Record<string, unknown>;
    assert.deepStrictEqual(withStates.telemetryStates, { detected: ['T1059', 'T1059.001'], 'no-telemetry': ['T1027'], visible: states.lists.visible, blind: states.lists.blind });
    delete withStates.telemetryStates;
    assert.deepStrictEqual(withStates, JSON.parse(renderReport(model, 'json')), 'the rest is the report without states');
    assert.ok(!('telemetryStates' in (JSON.parse(renderReport(model, 'json')) as object)));
  });

  it('the HTML report’s tactic table has the four counts per tactic, and the profile’s name escaped', () => {
    const evil = '<img src=x onerror=alert(1)> & "SOC"';
    const vm = buildMatrix(model, { now: new Date('2026-03-04T05:06:07Z'), telemetry: { states, profileName: evil } });
    const html = renderMatrixHtml(vm);
    assert.ok(!html.includes(evil) && html.includes(escapeXml(evil)));
    assert.match(html, /<th class="num">Detected<\/th><th class="num">No telemetry<\/th><th class="num">Visible<\/th><th class="num">Blind<\/th>/);
    let rows = 0;
    for (const column of vm.columns) {
      const ids = new Set(index.techniquesForTactic(column.shortname, 'enterprise-attack', true).filter((t) => index.isActive(t)).map((t) => t.id));
      const expected = STATES.map((s) => states.lists[s].filter((id) => ids.has(id)).length);
      const row = new RegExp(`<tr><td>${escapeXml(column.name)} <code>${column.id}</code></td>.*</tr>`).exec(html)?.[0];
      assert.ok(row, column.name);
      const cells = [...row.matchAll(/<td class="num">(\d+)<\/td>/g)].map((m) => Number(m[1]));
      assert.deepStrictEqual(cells.slice(-4), expected, column.name);
      rows++;
    }
    assert.ok(rows >= 14);
    assert.match(html, /Telemetry states against the telemetry profile “&lt;img/);
    const plain = buildMatrix(model, { now: new Date('2026-03-04T05:06:07Z') });
    assert.doesNotMatch(renderMatrixHtml(plain), /No telemetry/, 'without a profile the table is as before');
  });
});
