import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { FINDING_CODES, FINDING_CODES_README_ANCHOR } from '../../src/checks/findings';
import { generatedTables, region, TableName } from '../../scripts/docsTables';
import { githubSlug, headings } from './helpers/markdownHeadings';

// The README's generated tables stay equal to package.json and the finding codes, and every
// link into the README (a diagnostic's code link, the README's own #anchors) lands on a heading.

const root = path.resolve(__dirname, '..', '..', '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('README: generated tables and anchors', () => {
  for (const [name, table] of Object.entries(generatedTables(manifest)) as [TableName, string][]) {
    it(`the ${name} table equals what package.json and the finding codes give (npm run docs:tables rewrites it)`, () => {
      assert.strictEqual(region(readme, name), table);
    });
  }

  it('lists every setting of package.json and every finding code, once each', () => {
    const props = Object.keys(manifest.contributes.configuration.properties);
    const settings = region(readme, 'settings') ?? '';
    for (const key of props) assert.strictEqual(settings.split(`| \`${key}\` |`).length - 1, 1, key);
    const codes = region(readme, 'diagnostic-codes') ?? '';
    for (const code of Object.keys(FINDING_CODES)) assert.strictEqual(codes.split(`| \`${code}\` |`).length - 1, 1, code);
  });

  it('computes the anchors GitHub gives headings', () => {
    assert.deepStrictEqual(
      ['Diagnostics and quick fixes', 'Command line: `attack-lens`', 'ATT&CK data, offline', 'Threat profile and priority gaps'].map(githubSlug),
      ['diagnostics-and-quick-fixes', 'command-line-attack-lens', 'attck-data-offline', 'threat-profile-and-priority-gaps'],
    );
    const twice = headings('# A\n## Notes\n```\n# not a heading\n```\n## Notes\n');
    assert.deepStrictEqual(twice.map((h) => h.slug), ['a', 'notes', 'notes-1']);
  });

  it("every finding code's documentation link lands on a README heading whose section explains that code", () => {
    const heading = headings(readme).find((h) => h.slug === FINDING_CODES_README_ANCHOR);
    assert.ok(heading, `README.md has a heading with the anchor #${FINDING_CODES_README_ANCHOR}`);
    for (const code of Object.keys(FINDING_CODES)) assert.ok(heading.section.includes('`' + code + '`'), `the section "${heading.text}" explains ${code}`);
  });

  it("the README's and CONTRIBUTING's own #links land on their headings", () => {
    for (const file of ['README.md', 'CONTRIBUTING.md']) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      const slugs = new Set(headings(text).map((h) => h.slug));
      const anchors = [...text.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
      assert.deepStrictEqual(anchors.filter((a) => !slugs.has(a)), [], file);
    }
  });
});
