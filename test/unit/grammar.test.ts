import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { projectRoot } from './helpers/attackData';

// The ATT&CK injection grammar and the YARA-L and TOML grammars, run by the same TextMate engine VS Code
// uses (vscode-textmate on Oniguruma): which text becomes an ATT&CK constant, and which not.

const syntaxes = path.join(projectRoot, 'syntaxes');
const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
const injection = manifest.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === 'attack-references.injection');

// Stand-ins for the YAML/TOML/Markdown/plain-text grammars of VS Code: strings and comments,
// so the test shows the references are found inside them too.
const stub = (scopeName: string) => ({
  scopeName,
  patterns: [
    { name: 'comment.line.number-sign', begin: '#', end: '$' },
    { name: 'string.quoted.double', begin: '"', end: '"' },
  ],
});

let registry: textmate.Registry;

before(async () => {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scopeName) => {
      const file = manifest.contributes.grammars.find((g: { scopeName: string }) => g.scopeName === scopeName)?.path;
      if (file) return textmate.parseRawGrammar(fs.readFileSync(path.join(projectRoot, file), 'utf8'), path.join(projectRoot, file));
      return textmate.parseRawGrammar(JSON.stringify(stub(scopeName)), `${scopeName}.json`);
    },
    getInjections: (scopeName) => (injection.injectTo.includes(scopeName) ? ['attack-references.injection'] : undefined),
  });
});

/** [text, scope] of every token whose scopes include an ATT&CK constant. */
async function attackTokens(scope: string, text: string): Promise<[string, string][]> {
  const grammar = await registry.loadGrammar(scope);
  assert.ok(grammar, scope);
  const out: [string, string][] = [];
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const s = t.scopes.find((x) => x.startsWith('constant.other.attack-'));
      if (s) out.push([line.slice(t.startIndex, t.endIndex), s]);
    }
    state = r.ruleStack;
  }
  return out;
}

describe('TextMate grammar: ATT&CK references', () => {
  it('is contributed for YAML, TOML, YARA-L, Markdown and plain text', () => {
    assert.deepStrictEqual([...injection.injectTo].sort(), ['source.toml', 'source.yaml', 'source.yaral', 'text.html.markdown', 'text.plain']);
    const grammar = JSON.parse(fs.readFileSync(path.join(syntaxes, 'attack-references.tmLanguage.json'), 'utf8'));
    for (const scope of injection.injectTo) assert.ok(grammar.injectionSelector.includes(`L:${scope}`), scope);
  });

  const cases: [string, string][] = [
    ['T1059', 'constant.other.attack-technique'],
    ['T1059.001', 'constant.other.attack-technique'],
    ['TA0002', 'constant.other.attack-tactic'],
    ['G0016', 'constant.other.attack-group'],
    ['S0154', 'constant.other.attack-software'],
    ['M1049', 'constant.other.attack-mitigation'],
    ['C0024', 'constant.other.attack-campaign'],
    ['attack.t1059.001', 'constant.other.attack-technique.sigma'],
    ['attack.T1059', 'constant.other.attack-technique.sigma'],
    ['attack.execution', 'constant.other.attack-tactic.sigma'],
    ['attack.defense-evasion', 'constant.other.attack-tactic.sigma'],
    ['attack.command-and-control', 'constant.other.attack-tactic.sigma'],
    ['attack.ta0005', 'constant.other.attack-tactic.sigma'],
    ['attack.g0016', 'constant.other.attack-group.sigma'],
    ['attack.s0154', 'constant.other.attack-software.sigma'],
  ];
  for (const [text, scope] of cases) {
    it(`highlights ${text}`, async () => {
      for (const line of [text, `    - ${text}`, `id = "${text}"`, `See ${text}, then more.`, `# ${text} in a comment`]) {
        assert.deepStrictEqual(await attackTokens('text.plain', line), [[text, scope]], line);
      }
    });
  }

  const notReferences = ['T10590', 'T105', 'T1059.0012', 'ATTACK', 'attack', 'TA00021', 'XT1059', 'mT1059', 'G00160', 'attack.t10590', 'attack.executionx', 'attack.foo', 'attack.car.2013-01-002', 'T1059_old', 'the-T1059', 'v1.T1059', 'S0154a', 'cve.2021-44228', 'M10'];
  for (const text of notReferences) {
    it(`does not highlight ${text}`, async () => {
      assert.deepStrictEqual(await attackTokens('text.plain', `x ${text} y`), []);
    });
  }

  it('finds several references on one line and in a URL path', async () => {
    assert.deepStrictEqual(await attackTokens('source.yaml', 'tags: [attack.execution, attack.t1059.001] # G0016'), [
      ['attack.execution', 'constant.other.attack-tactic.sigma'],
      ['attack.t1059.001', 'constant.other.attack-technique.sigma'],
      ['G0016', 'constant.other.attack-group'],
    ]);
    assert.deepStrictEqual(await attackTokens('source.toml', 'reference = "https://attack.mitre.org/techniques/T1059/001/"'), [['T1059', 'constant.other.attack-technique']]);
  });

  it('works inside the YARA-L grammar: meta strings and comments, and YARA-L scopes its own syntax', async () => {
    const text = fs.readFileSync(path.join(projectRoot, 'test/fixtures/editor/yaral/powershell_encoded.yaral'), 'utf8');
    const found = await attackTokens('source.yaral', text);
    assert.deepStrictEqual(found.map(([t]) => t), ['T1059.001', 'T1027', 'T1059']);
    const grammar = (await registry.loadGrammar('source.yaral'))!;
    const scopes = (line: string) => grammar.tokenizeLine(line, textmate.INITIAL).tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
    assert.deepStrictEqual(scopes('rule powershell_encoded {').slice(0, 3), [['rule', 'storage.type.rule.yaral'], [' ', 'source.yaral'], ['powershell_encoded', 'entity.name.function.rule.yaral']]);
    assert.ok(scopes('  meta:').some(([t, s]) => t === 'meta' && s === 'keyword.control.section.yaral'));
    assert.ok(scopes('    $e.metadata.event_type = "PROCESS_LAUNCH"').some(([t, s]) => t === '$e' && s === 'variable.other.event.yaral'));
    assert.ok(scopes('    $e.target.process.command_line = /-enc\\s/ nocase').some(([t, s]) => t.startsWith('/-enc') && s === 'string.regexp.yaral'));
    assert.ok(scopes('  // a comment').some(([, s]) => s === 'comment.line.double-slash.yaral'));
  });

  it('works inside the TOML grammar: an Elastic rule highlights its tables, keys and strings, and the references in them', async () => {
    const text = fs.readFileSync(path.join(projectRoot, 'examples/elastic/rules/windows/credential_access_sam_registry_dump.toml'), 'utf8');
    const found = await attackTokens('source.toml', text);
    assert.deepStrictEqual(found.map(([t]) => t), ['T1003', 'T1003', 'T1003.002', 'T1003', 'TA0006', 'TA0006']);
    const grammar = (await registry.loadGrammar('source.toml'))!;
    const lines = (...text: string[]) => {
      const out: [string, string][] = [];
      let state = textmate.INITIAL;
      for (const line of text) {
        const r = grammar.tokenizeLine(line, state);
        for (const t of r.tokens) out.push([line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]]);
        state = r.ruleStack;
      }
      return out;
    };
    const has = (tokens: [string, string][], text: string, scope: string) => assert.ok(tokens.some(([t, s]) => t === text && s === scope), `${text} as ${scope} in ${JSON.stringify(tokens)}`);
    has(lines('[[rule.threat.technique]]'), 'rule.threat.technique', 'entity.name.section.table.array.toml');
    has(lines('[rule.threat.tactic]'), 'rule.threat.tactic', 'entity.name.section.table.toml');
    const scalar = lines('risk_score = 73 # high');
    has(scalar, 'risk_score', 'variable.other.key.toml');
    has(scalar, '73', 'constant.numeric.toml');
    has(scalar, ' high', 'comment.line.number-sign.toml');
    has(lines('building_block = false'), 'false', 'constant.language.boolean.toml');
    // A multi-line literal string stays a string to its end, however TOML-like its lines look.
    const query = lines("query = '''", '[not.a.table]', 'x = "y"', "'''", 'name = "after"');
    has(query, '[not.a.table]', 'string.quoted.triple.literal.toml');
    has(query, 'name', 'variable.other.key.toml');
    // Inline tables, as some Elastic rules write their threat mapping.
    const inline = lines('threat = [{ framework = "MITRE ATT&CK", technique = [{ id = "T1059", name = "x" }] }]');
    has(inline, 'technique', 'variable.other.key.toml');
    has(inline, 'id', 'variable.other.key.toml');
    has(inline, 'T1059', 'constant.other.attack-technique');
  });

  it('is contributed as the toml language for .toml files, with the grammar the references are injected into', () => {
    const toml = manifest.contributes.languages.find((l: { id: string }) => l.id === 'toml');
    assert.deepStrictEqual(toml?.extensions, ['.toml']);
    const grammar = manifest.contributes.grammars.find((g: { language?: string }) => g.language === 'toml');
    assert.strictEqual(grammar?.scopeName, 'source.toml');
    assert.ok(injection.injectTo.includes(grammar.scopeName));
    assert.ok(fs.existsSync(path.join(projectRoot, toml.configuration)));
  });
});
