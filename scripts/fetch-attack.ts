import * as fs from 'fs';
import * as path from 'path';
import { AttackDataError, Domain, DOMAINS } from '../src/attack/types';
import { bundleUrl, download, sha256Hex, verifyAndCompile } from '../src/data/downloadAttackData';

// `npm run fetch-attack [-- --pin] [--force] [--out DIR]`: downloads the pinned ATT&CK release
// (scripts/attack-release.json) for Enterprise, Mobile and ICS into ./data/, where the build
// finds it. Base URL: ATTACK_LENS_STIX_BASE_URL, else MITRE's attack-stix-data repository.

const DEFAULT_BASE = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master';
const projectRoot = path.resolve(__dirname, '..', '..');
const releaseFile = path.join(projectRoot, 'scripts', 'attack-release.json');

interface ReleaseFile {
  version: string;
  comment?: string;
  files: Record<string, { sha256: string | null }>;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function fetchOne(base: string, domain: Domain, version: string, pinned: string | null, outDir: string, force: boolean): Promise<string> {
  const dest = path.join(outDir, `${domain}-${version}.json`);
  if (!force && pinned && fs.existsSync(dest) && sha256Hex(fs.readFileSync(dest)) === pinned) {
    console.log(`${domain} ${version}: ${path.relative(process.cwd(), dest)} is already there (SHA-256 matches)`);
    return pinned;
  }
  const url = bundleUrl(base, domain, version);
  let last = 0;
  const bytes = await download(url, undefined, (received, total) => {
    if (!process.stderr.isTTY || Date.now() - last < 200) return;
    last = Date.now();
    process.stderr.write(`\r${domain} ${version}: ${(received / 1e6).toFixed(1)}${total ? ` / ${(total / 1e6).toFixed(1)}` : ''} MB`);
  });
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  const hash = sha256Hex(bytes);
  if (pinned && hash !== pinned) throw new AttackDataError(`SHA-256 mismatch: pinned ${pinned}, downloaded ${hash}`, url);
  const compiled = verifyAndCompile({ domain, version, url }, bytes);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(`${dest}.partial`, bytes);
  fs.renameSync(`${dest}.partial`, dest);
  const note = pinned ? 'verified against the pinned SHA-256' : 'NOT PINNED: checked as ATT&CK data only; `npm run fetch-attack -- --pin` records it';
  console.log(`${domain} ${version}: ${(bytes.byteLength / 1e6).toFixed(1)} MB, ${compiled.techniques.length} techniques → ${path.relative(process.cwd(), dest)}`);
  console.log(`  sha256 ${hash} (${note})`);
  return hash;
}

async function main(): Promise<number> {
  const release = JSON.parse(fs.readFileSync(releaseFile, 'utf8')) as ReleaseFile;
  const base = (process.env.ATTACK_LENS_STIX_BASE_URL || DEFAULT_BASE).replace(/\/+$/, '');
  const outDir = path.resolve(option('--out') ?? path.join(projectRoot, 'data'));
  const force = process.argv.includes('--force');
  const pin = process.argv.includes('--pin');
  console.log(`fetch-attack: ATT&CK ${release.version} from ${base} into ${path.relative(process.cwd(), outDir) || '.'}`);
  let failed = 0;
  for (const domain of DOMAINS) {
    const entry = release.files[domain];
    if (!entry) continue;
    try {
      const hash = await fetchOne(base, domain, release.version, entry.sha256, outDir, force);
      if (pin && !entry.sha256) entry.sha256 = hash;
    } catch (e) {
      failed++;
      console.error(`${domain} ${release.version}: ${e instanceof AttackDataError ? e.message : (e as Error).stack}`);
    }
  }
  if (pin && failed === 0) {
    fs.writeFileSync(releaseFile, JSON.stringify(release, null, 2) + '\n');
    console.log(`pinned the SHA-256 values in ${path.relative(process.cwd(), releaseFile)}`);
  }
  if (failed) {
    console.error(`fetch-attack: ${failed} file(s) failed. Without network, point ATTACK_LENS_STIX at local bundles instead (e.g. ../shared/attack).`);
    return 1;
  }
  console.log('fetch-attack: done; `npm run build` now compiles these bundles.');
  return 0;
}

main().then((code) => process.exit(code));
