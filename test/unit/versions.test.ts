import * as assert from 'assert';
import { compareVersions, newestPerDomain } from '../../src/attack/versions';
import { latestReleases } from '../../src/data/downloadAttackData';

// One version comparison for the extension's bundles (attackLens.stixBundles), the CLI's bundle
// folders and the download index: ATT&CK numbers its releases 18.9, 18.10, so versions compare
// part by part (parseFloat read 18.10 as 18.1 and kept 18.9).

describe('ATT&CK versions', () => {
  it('compares part by part: 18.10 is newer than 18.9, 9.0 older than 18.1', () => {
    assert.ok(compareVersions('18.10', '18.9') > 0);
    assert.ok(compareVersions('18.9', '18.10') < 0);
    assert.ok(compareVersions('9.0', '18.1') < 0);
    assert.strictEqual(compareVersions('18.1', '18.1'), 0);
    assert.ok(compareVersions('unknown', '1.0') < 0);
  });

  it('keeps the newest bundle of each domain, whatever order the files come in', () => {
    const bundles = [
      { domain: 'enterprise-attack', version: '18.9', file: 'a' },
      { domain: 'enterprise-attack', version: '18.10', file: 'b' },
      { domain: 'mobile-attack', version: '18.1', file: 'c' },
      { domain: 'enterprise-attack', version: '17.1', file: 'd' },
      { domain: 'mobile-attack', version: '18.1', file: 'e' },
    ];
    const newest = newestPerDomain(bundles);
    assert.strictEqual(newest.get('enterprise-attack')?.file, 'b');
    assert.strictEqual(newest.get('mobile-attack')?.file, 'c', 'of equal versions the first given');
    assert.strictEqual(newestPerDomain([...bundles].reverse()).get('enterprise-attack')?.file, 'b');
  });

  it('the download index offers 18.10 over 18.9', () => {
    const index = JSON.stringify({
      collections: [{ name: 'Enterprise ATT&CK', versions: [{ version: '18.9' }, { version: '18.10' }, { version: '19.0-beta' }, { version: '18.2' }] }],
    });
    assert.deepStrictEqual(
      latestReleases(index, 'https://mirror.example/attack-stix-data').map((r) => r.version),
      ['18.10'],
    );
  });
});
