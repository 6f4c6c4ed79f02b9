import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { RESTRICTED_SETTINGS, restrictedKeysIn, SECTION } from '../../src/restrictedSettings';

// Restricted Mode: package.json declares the capability (without it VS Code disables the extension
// in an untrusted workspace) with the same settings Config ignores there, and the notice finds
// those settings in a workspace's settings file however they are written.

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

describe('Restricted Mode settings', () => {
  it('package.json supports untrusted workspaces, limited to the settings Config restricts', () => {
    const untrusted = manifest.capabilities?.untrustedWorkspaces;
    assert.strictEqual(untrusted?.supported, 'limited');
    assert.ok(typeof untrusted.description === 'string' && untrusted.description.length > 20);
    assert.deepStrictEqual([...untrusted.restrictedConfigurations].sort(), RESTRICTED_SETTINGS.map((k) => `${SECTION}.${k}`).sort());
  });

  it('every setting that names a file, a URL or a regular expression is restricted, and says so', () => {
    const props = manifest.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string; default?: unknown }>;
    const namesOutside = Object.entries(props).filter(([key, p]) => (/\b(paths?|files?|urls?|regular expression)\b/i.test(p.description ?? p.markdownDescription ?? '') || /(Url|Pattern|Index|Bundles)$/.test(key)) && !/^attackLens\.(files|coverage\.exclude|threatProfile)$/.test(key));
    assert.ok(namesOutside.length >= 5, namesOutside.map(([k]) => k).join());
    for (const [key, p] of namesOutside) {
      // A user-only setting (scope application) never takes a workspace's value, trusted or not.
      if ((p as { scope?: string }).scope === 'application' && !manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key)) {
        assert.match(p.description ?? p.markdownDescription ?? '', /user settings only/i, key);
        continue;
      }
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(key), `${key} names a file, URL or pattern but is not restricted`);
      assert.match(p.description ?? p.markdownDescription ?? '', /ignored in untrusted workspaces/i, key);
    }
  });

  it('finds restricted settings written flat, nested, in language blocks and with comments', () => {
    const text = `{
      // comment
      "attackLens.stixBundles": ["x.json"],
      "attackLens": { "siteBaseUrl": "command:x", "generic": { "idPattern": "(a+)+" } },
      "[yaml]": { "attackLens.atomicsIndex": "i.csv" },
      "attackLens.files": { "**/*.md": "generic" },
      "attackLens.domains": ["mobile-attack"],
    }`;
    assert.deepStrictEqual(restrictedKeysIn(text), ['attackLens.stixBundles', 'attackLens.siteBaseUrl', 'attackLens.atomicsIndex', 'attackLens.generic.idPattern']);
    assert.deepStrictEqual(restrictedKeysIn('{ "attackLens.domains": [] }'), []);
    assert.deepStrictEqual(restrictedKeysIn('not json'), []);
  });
});
