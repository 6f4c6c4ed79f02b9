import * as fs from 'fs';
import * as path from 'path';
import { AttackIndex } from '../../src/attack/index';
import { crossReferenceAtomics, parseAtomicsCsv } from '../../src/coverage/atomics';
import { CoverageModel } from '../../src/coverage/model';
import { rankGaps } from '../../src/coverage/priorities';
import { isLayerError, parseLayerText } from '../../src/coverage/layerImport';
import { navigatorLayer } from '../../src/coverage/navigator';
import { prevalenceProfile, profileFromActors, profileFromLayer, profileFromSetting, profileToSetting } from '../../src/coverage/profile';
import { scanRuleFiles } from '../../src/coverage/scan';
import { readRuleFileFromDisk, walkRuleFiles } from '../../src/node/scanFiles';
import { parseRuleFile } from '../../src/rules/index';
import { BenchReport, projectRoot, sharedRoot, time } from './bench';

// Threat-informed priorities (issue 5), against the SigmaHQ corpus's coverage:
//   profile ranking (what the Priority gaps view recomputes per coverage change) ≤ 20 ms (median)
//   2-actor profile (APT29 + APT28, as "Choose threat profile" stores it: actors only) ≤ 20 ms
//   prevalence ranking ≤ 20 ms
// Also printed: a threat profile made from a Navigator layer (the SigmaHQ coverage exported as
// a layer: parse + weights + setting round trip), the atomics CSV read and cross-reference.

export async function run(report: BenchReport): Promise<void> {
  const index = AttackIndex.fromJson(fs.readFileSync(path.join(projectRoot, 'dist', 'attack-index.json'), 'utf8'));
  const sigma = path.join(sharedRoot, 'corpora', 'sigma', 'rules');
  const walked = walkRuleFiles([sigma]);
  const scanned = await scanRuleFiles({ items: walked.files, pathOf: (f) => f.path, read: async (f) => readRuleFileFromDisk(f.path), parse: (text, f) => parseRuleFile(text, f.path, index), batchSize: 256 });
  const model = CoverageModel.build(scanned.files, index);
  model.tactics();

  const actors = ['G0016', 'G0007', 'G0032', 'G0034', 'G0050'];
  const setting = profileToSetting(profileFromActors(index, actors, 'Five groups'));
  // Each sample reads the profile back from its setting JSON as the view does after a change.
  const ranking = time(50, () => rankGaps(model, profileFromSetting(JSON.parse(JSON.stringify(setting)), index)));
  const gaps = rankGaps(model, profileFromSetting(setting, index)).gaps.length;
  report.series(`priorities: rank 5-group profile vs SigmaHQ coverage (${gaps} gaps)`, ranking, { max: 20, stat: 'median' });

  // What the Choose threat profile command writes for actors: no techniques, derived from the index when read.
  const twoActors = { name: 'APT29 + APT28', actors: ['G0016', 'G0007'], source: 'actors' };
  const two = time(50, () => rankGaps(model, profileFromSetting(JSON.parse(JSON.stringify(twoActors)), index)));
  const twoGaps = rankGaps(model, profileFromSetting(twoActors, index)).gaps.length;
  report.series(`priorities: rank 2-group profile (APT29 + APT28, actors only) vs SigmaHQ coverage (${twoGaps} gaps)`, two, { max: 20, stat: 'median' });

  const layerText = JSON.stringify(navigatorLayer(model, { domain: 'enterprise-attack' }));
  const layer = parseLayerText(layerText);
  if (isLayerError(layer)) throw new Error(`the exported layer does not read back: ${layer.message}`);
  const fromLayer = time(30, () => {
    const l = parseLayerText(layerText);
    if (isLayerError(l)) throw new Error(l.message);
    profileFromSetting(profileToSetting(profileFromLayer(l, 'layers/coverage.json')));
  });
  report.series(`priorities: threat profile from a Navigator layer (${layer.techniques.length} entries, ${Math.round(layerText.length / 1024)} KB: parse, weigh, setting round trip)`, fromLayer);

  prevalenceProfile(index);
  const prevalence = time(30, () => rankGaps(model));
  report.series(`priorities: rank by prevalence vs SigmaHQ coverage (${rankGaps(model).gaps.length} gaps)`, prevalence, { max: 20, stat: 'median' });

  const csv = path.join(sharedRoot, 'atomic-red-team', 'index.csv');
  if (fs.existsSync(csv)) {
    const text = fs.readFileSync(csv, 'utf8');
    const read = time(10, () => parseAtomicsCsv(text));
    report.series('priorities: read the Atomic Red Team index.csv', read);
    const atomics = parseAtomicsCsv(text);
    const cross = time(20, () => crossReferenceAtomics(model, atomics));
    report.series(`priorities: atomics cross-reference (${atomics.testCount} tests) vs SigmaHQ coverage`, cross);
  }
}
