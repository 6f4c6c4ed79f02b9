import * as fs from 'fs';
import * as path from 'path';
import { AttackDataError, DOMAINS } from '../src/attack/types';
import { compareVersions, LATEST, parseAttackVersion } from '../src/attack/versions';
import { DigestSource, Trust } from '../src/data/downloadAttackData';
import { isSha256Hex, releaseFileName } from '../src/data/releaseDigests';
import { readBuiltDigests } from '../src/node/buildDigests';
import { discoverReleases, fetchRelease } from '../src/node/fetchRelease';

// `npm run fetch-attack [-- --version V|latest] [--accept-sha256 HEX ...] [--pin] [--force] [--out DIR]`:
// reads the mirror's index.json (attack-stix-data's list of releases) and downloads the Enterprise,
// Mobile and ICS bundles of the release named in scripts/attack-release.json (the project's pin),
// or of --version (`latest`: the newest listed), into ./data/, where the build finds them; it says
// when the index lists a newer release. Base URL: ATTACK_LENS_STIX_BASE_URL, else MITRE's
// attack-stix-data. A file is kept only when its SHA-256 matches MITRE's published digest
// (dist/release-digests.json, written by `npm run build`), the one in attack-release.json, or one
// given with --accept-sha256; digests never come from the download server alone.

const DEFAULT_BASE = 'https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master';
const projectRoot = path.resolve(__dirname, '..', '..');
const releaseFile = path.join(projectRoot, 'scripts', 'attack-release.json');
const builtDigests = path.join(projectRoot, 'dist', 'release-digests.json');

interface ReleaseFile {
  version: string;
  comment?: string;
  files: Record<string, { sha256: string | null }>;
}

class UsageError extends Error {}

function options(name: string): string[] {
  const out: string[] = [];
  process.argv.forEach((a, i) => {
    if (a !== name) return;
    const value = process.argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    out.push(value);
  });
  return out;
}

async function main(): Promise<number> {
  const release = JSON.parse(fs.readFileSync(releaseFile, 'utf8')) as ReleaseFile;
  const base = (process.env.ATTACK_LENS_STIX_BASE_URL || DEFAULT_BASE).replace(/\/+$/, '');
  const outDir = path.resolve(options('--out').pop() ?? path.join(projectRoot, 'data'));
  const force = process.argv.includes('--force');
  const pin = process.argv.includes('--pin');
  const accepted = options('--accept-sha256');
  const bad = accepted.find((a) => !isSha256Hex(a)) as string | undefined;
  if (bad !== undefined) throw new UsageError(`--accept-sha256 ${bad.slice(0, 80)}: not a SHA-256 (64 hex digits)`);
  const acceptedSet = new Set(accepted.map((a) => a.toLowerCase()));
  const asked = options('--version').pop() ?? release.version;
  const wanted = parseAttackVersion(asked);
  if (wanted === undefined) throw new UsageError(`--version ${asked.slice(0, 40)}: not "latest" or a release number such as 18.1`);
  const discovered = await discoverReleases(base, wanted);
  // The version named in messages and pinned with --pin: Enterprise's (domains may differ under "latest").
  const version = discovered.offered[0].version;
  const mitre = readBuiltDigests(builtDigests);
  if (mitre.size === 0) console.warn(`fetch-attack: ${path.relative(process.cwd(), builtDigests)} is missing (run \`npm run build\` with release-digests.json beside the bundles); no release is pinned by MITRE's digests`);
  const projectPins = new Map<string, string>();
  for (const d of DOMAINS) {
    const sha = release.files[d]?.sha256;
    if (isSha256Hex(sha)) projectPins.set(releaseFileName(d, release.version), sha.toLowerCase());
  }
  const sources: DigestSource[] = [
    { label: "MITRE's published digest", digests: mitre },
    { label: 'scripts/attack-release.json', digests: projectPins },
  ];
  const trust: Trust = {
    sources,
    confirm: async (files) => files.every((f) => acceptedSet.has(f.sha256)),
    pinHint: 'check the digest against a source you trust, then rerun with --accept-sha256 <digest> (add --pin to record it in scripts/attack-release.json).',
  };
  console.log(`fetch-attack: ATT&CK ${wanted === LATEST ? `${version} (the newest listed)` : version} from ${base} into ${path.relative(process.cwd(), outDir) || '.'}`);
  const newer = discovered.newest.filter((n) => compareVersions(n.version, discovered.offered.find((o) => o.domain === n.domain)?.version ?? n.version) > 0);
  if (newer.length) console.log(`fetch-attack: index.json lists a newer release (${[...new Set(newer.map((n) => n.version))].join(', ')}); fetch it with \`npm run fetch-attack -- --version latest\``);
  let failed = 0;
  for (const { domain, version } of discovered.offered) {
    const entry = (release.files[domain] ??= { sha256: null });
    let last = 0;
    try {
      const result = await fetchRelease({
        base, domain, version, outDir, trust, force,
        onChunk: (received, total) => {
          if (!process.stderr.isTTY || Date.now() - last < 200) return;
          last = Date.now();
          process.stderr.write(`\r${domain} ${version}: ${(received / 1e6).toFixed(1)}${total ? ` / ${(total / 1e6).toFixed(1)}` : ''} MB`);
        },
      });
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      const where = path.relative(process.cwd(), result.file);
      if (result.status === 'present') console.log(`${domain} ${version}: ${where} is already there (SHA-256 matches ${result.trustedBy})`);
      else console.log(`${domain} ${version}: ${(result.verified.bytes.byteLength / 1e6).toFixed(1)} MB, ${result.verified.compiled.techniques.length} techniques → ${where}`);
      console.log(`  sha256 ${result.sha256} (${result.trustedBy === 'confirmed' ? 'accepted with --accept-sha256' : `matches ${result.trustedBy}`})`);
      if (pin) entry.sha256 = result.sha256;
    } catch (e) {
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      failed++;
      console.error(`${domain} ${version}: ${e instanceof AttackDataError ? e.message : (e as Error).stack}`);
    }
  }
  if (pin && failed === 0) {
    if (release.version !== version) for (const d of DOMAINS) if (!discovered.offered.some((r) => r.domain === d)) delete release.files[d];
    release.version = version;
    fs.writeFileSync(releaseFile, JSON.stringify(release, null, 2) + '\n');
    console.log(`pinned the SHA-256 values in ${path.relative(process.cwd(), releaseFile)}`);
  }
  if (failed) {
    console.error(`fetch-attack: ${failed} file(s) failed; what ${path.relative(process.cwd(), outDir) || '.'} held under their names was left as it was. Without network, point ATTACK_LENS_STIX at local bundles instead (e.g. ../shared/attack).`);
    return 1;
  }
  console.log('fetch-attack: done; `npm run build` now compiles these bundles.');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    if (!(e instanceof UsageError || e instanceof AttackDataError)) throw e;
    console.error(`fetch-attack: ${e.message}`);
    process.exit(2);
  },
);
