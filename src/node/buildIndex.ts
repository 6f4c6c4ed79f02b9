import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { compiledIndexJson } from '../attack/compile';
import { AttackDataError } from '../attack/types';
import { buildReleaseDigests, DIGESTS_FILE } from './buildDigests';
import { storedIndex, versionedIndexFile, versionManifestJson, VERSIONS_FILE, withStoredIndex } from '../attack/versionStore';
import { compileEveryVersion, defaultStixLocation, findStixBundleFiles } from './bundles';

// Build step: compile the STIX bundles found for this build into dist/attack-index.json,
// the index the extension and the CLI load. Skips the work when the inputs have not changed.

const HELP = `No ATT&CK STIX bundles found. Do one of:
  - set ATTACK_LENS_STIX to a folder of bundles (e.g. ../shared/attack) or to one bundle file;
  - put bundles such as enterprise-attack-18.1.json in ./data/;
  - run \`npm run fetch-attack\` to download the pinned release into ./data/ (needs network).`;


/**
 * Writes the newest data per domain to outFile (dist/attack-index.json), each older release found
 * among the bundles to attack-index-<version>.json beside it, and attack-versions.json listing
 * what each file holds (src/attack/versionStore.ts), so a pinned version loads only its own file.
 */
export function buildIndex(projectRoot: string, outFile: string, log: (s: string) => void = console.log): boolean {
  const location = defaultStixLocation(projectRoot);
  if (!location) {
    console.error(HELP);
    return false;
  }
  const files = findStixBundleFiles(location).filter((f) => path.basename(f) !== DIGESTS_FILE);
  // The compiler is bundled into this very script: a change to it must rebuild the index too.
  const compiler = createHash('sha256').update(fs.readFileSync(__filename)).digest('hex');
  const stamp = JSON.stringify([compiler, ...files.map((f) => [path.resolve(f), fs.statSync(f).size, fs.statSync(f).mtimeMs])]);
  const stampFile = outFile + '.stamp';
  const outDir = path.dirname(outFile);
  const manifestFile = path.join(outDir, VERSIONS_FILE);
  if (fs.existsSync(outFile) && fs.existsSync(manifestFile) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return true;
  const started = Date.now();
  const { latest, older } = compileEveryVersion(files, (file, why) => log(`attack-lens: skipping ${why.startsWith(file) ? why : `${file}: ${why}`}`), (warning) => log(`attack-lens: ${warning}`));
  fs.mkdirSync(outDir, { recursive: true });
  // Older releases of a previous build that this one did not find must not stay listed or shipped.
  for (const stale of fs.readdirSync(outDir).filter((f) => /^attack-index-[\d.]+\.json$/.test(f))) fs.rmSync(path.join(outDir, stale));
  fs.writeFileSync(outFile, compiledIndexJson(latest));
  let manifest = withStoredIndex(undefined, storedIndex(path.basename(outFile), latest.domains));
  for (const [version, index] of older) {
    fs.writeFileSync(path.join(outDir, versionedIndexFile(version)), compiledIndexJson(index));
    manifest = withStoredIndex(manifest, storedIndex(versionedIndexFile(version), index.domains));
  }
  fs.writeFileSync(manifestFile, versionManifestJson(manifest));
  fs.writeFileSync(stampFile, stamp);
  const summary = latest.domains.map((d) => `${d.domain} ${d.version}`).join(', ');
  const also = older.size ? `; also ${[...older].map(([v, i]) => `${v} (${i.domains.map((d) => d.domain).join(', ')})`).join(', ')}` : '';
  log(`attack-lens: compiled ${summary}${also} from ${location} in ${Date.now() - started} ms → ${path.relative(projectRoot, outFile)} (${(fs.statSync(outFile).size / 1e6).toFixed(1)} MB)`);
  return true;
}

if (require.main === module) {
  const root = process.argv[2] ?? process.cwd();
  const ok = buildIndex(root, path.join(root, 'dist', 'attack-index.json'));
  try {
    buildReleaseDigests(root, path.join(root, 'dist', DIGESTS_FILE), console.log, process.argv.includes('--production'));
  } catch (e) {
    if (!(e instanceof AttackDataError)) throw e;
    console.error(`attack-lens: ${e.message}`);
    process.exit(1);
  }
  process.exit(ok ? 0 : 1);
}
