import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { yamlBlockFor } from '../../src/core/markdownBlocks';
import { welcomeState } from '../../src/views/welcomeState';
import { projectRoot } from './helpers/attackData';

// What the walkthrough and the welcome views are made of, without the editor: the workflow the
// CI step opens (the README's recipe), the welcome state for each workspace, and the manifest's
// walkthrough, welcome content and their media. The host suite `welcome` runs them in VS Code.

const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));

describe('walkthrough: the GitHub Actions workflow its CI step opens', () => {
  it('is the README block that starts with the workflow file name, and is a workflow', () => {
    const readme = fs.readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
    const block = yamlBlockFor(readme, '.github/workflows/attack-lens.yml');
    assert.ok(block, 'the README has the recipe');
    assert.ok(readme.includes('```yaml\n' + block + '```'));
    const workflow = parse(block) as { jobs: Record<string, { steps: { run?: string }[] }> };
    const runs = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.run ?? ''));
    assert.ok(runs.some((r) => r.startsWith('attack-lens check rules/')), runs.join('\n'));
  });

  it('picks a block by its first line only', () => {
    const md = '```yaml\nx: 1 # .github/workflows/a.yml\n```\n\n```yaml\n# .github/workflows/a.yml\nname: A\n```\n';
    assert.strictEqual(yamlBlockFor(md, '.github/workflows/a.yml'), '# .github/workflows/a.yml\nname: A\n');
    assert.strictEqual(yamlBlockFor(md, '.github/workflows/b.yml'), undefined);
  });
});

describe('welcome views: which welcome shows', () => {
  const facts = (over: Partial<Parameters<typeof welcomeState>[0]>) => ({ folders: 1, scanned: true, scanning: false, empty: () => false, ...over });

  it('no folder open comes first, whatever the store says', () => {
    assert.strictEqual(welcomeState(facts({ folders: 0 })), 'noFolder');
    assert.strictEqual(welcomeState(facts({ folders: 0, scanned: false, scanning: true })), 'noFolder');
  });

  it('the first scan shows the scan running, without asking for the model', () => {
    assert.strictEqual(welcomeState(facts({ scanned: false, scanning: true, empty: () => assert.fail('the model is not asked before a scan finished') })), 'scanning');
  });

  it('nothing found: no rule files, or the scan running again; something found: the trees', () => {
    assert.strictEqual(welcomeState(facts({ empty: () => true })), 'noRuleFiles');
    assert.strictEqual(welcomeState(facts({ empty: () => true, scanning: true })), 'scanning');
    assert.strictEqual(welcomeState(facts({})), undefined);
    assert.strictEqual(welcomeState(facts({ scanning: true })), undefined, 'a rescan keeps the trees it has');
  });

  it('the manifest has welcome content for each state in both views, with the buttons the states need', () => {
    const welcome = manifest.contributes.viewsWelcome as { view: string; when: string; contents: string }[];
    for (const view of ['attackLens.coverage', 'attackLens.priorityGaps']) {
      for (const state of ['noFolder', 'scanning', 'noRuleFiles']) assert.ok(welcome.some((w) => w.view === view && w.when === `attackLens.welcome == ${state}`), `${view}: ${state}`);
    }
    const coverage = (state: string) => welcome.find((w) => w.view === 'attackLens.coverage' && w.when === `attackLens.welcome == ${state}`)!.contents;
    assert.match(coverage('noFolder'), /\(command:workbench\.action\.files\.openFolder\)/);
    assert.match(coverage('noRuleFiles'), /\(command:workbench\.action\.openSettings\?%22attackLens\.files%22\)/);
    // What attackLens.files looks for, as its default says.
    for (const glob of Object.keys(manifest.contributes.configuration.properties['attackLens.files'].default)) assert.ok(coverage('noRuleFiles').includes(glob), glob);
    assert.match(coverage('scanning'), /\(command:attackLens\.cancelCoverageScan\)/);
  });

  it('the walkthrough steps have a button each and markdown media that loads nothing remote', () => {
    const [walkthrough] = manifest.contributes.walkthroughs as { steps: { id: string; description: string; media: { markdown: string } }[] }[];
    assert.strictEqual(walkthrough.steps.length, 7);
    for (const step of walkthrough.steps) {
      assert.match(step.description, /\]\(command:attackLens\.[\w.]+/, step.id);
      const text = fs.readFileSync(path.join(projectRoot, step.media.markdown), 'utf8');
      assert.doesNotMatch(text, /https?:\/\/|<img|!\[/, step.id);
    }
  });
});
