import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_FILES } from '../../src/rules/fileTreatment';
import { projectRoot } from './helpers/attackData';

// The extension starts only when there is something for it to do (issue #11 §4): a workspace
// holding files the default attackLens.files selects, a document in one of its languages, or its
// view; never in every window at startup.

const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { languages?: { id: string }[]; views: Record<string, { id: string }[]> };
};

describe('activation events', () => {
  it('never activates in every window', () => {
    assert.deepStrictEqual(manifest.activationEvents.filter((e) => e === '*' || e === 'onStartupFinished'), []);
  });

  it('activates on a workspace holding any file the default attackLens.files selects', () => {
    const globs = manifest.activationEvents.filter((e) => e.startsWith('workspaceContains:')).map((e) => e.slice('workspaceContains:'.length));
    assert.deepStrictEqual(globs.sort(), Object.keys(DEFAULT_FILES).sort());
  });

  it('activates on its own languages and on the Coverage view', () => {
    for (const id of ['yaml', 'toml', 'yaral', ...(manifest.contributes.languages ?? []).map((l) => l.id)]) {
      assert.ok(manifest.activationEvents.includes(`onLanguage:${id}`), `onLanguage:${id}`);
    }
    // VS Code derives onView for contributed views; it is kept explicit, as the host suites ran with it.
    assert.ok(manifest.activationEvents.includes('onView:attackLens.coverage'));
  });
});
