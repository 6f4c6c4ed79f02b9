import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../attack/compile';
import { malformedWarning, readStixBundle, StixBundle } from '../attack/stix';
import { AttackDataError, COMPILED_FORMAT, CompiledDomain, CompiledIndex, DOMAINS } from '../attack/types';
import { atVersion, newestPerDomain, unavailableVersion, versionsAmong } from '../attack/versions';
import { describeFsError, MAX_BUNDLE_BYTES, readRegularFile, specialFileKind } from './readRegularFile';

// Node-only helpers for finding and compiling STIX bundles on disk: used by the build,
// the CLI and the benchmarks. The extension reads files through vscode.workspace.fs instead.

/**
 * `*.json` files of a folder (not recursive), or the file itself. A path that is neither a file nor
 * a folder (a FIFO, /dev/null) is an AttackDataError; FIFOs, sockets and devices inside the folder
 * are left to readStixBundleFile, which refuses them with their reason.
 */
export function findStixBundleFiles(fileOrDir: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(fileOrDir);
  } catch (e) {
    throw new AttackDataError(describeFsError(e), fileOrDir);
  }
  if (stat.isFile()) return [fileOrDir];
  if (!stat.isDirectory()) throw new AttackDataError(`${specialFileKind(stat)}: expected a bundle file or a folder of bundles`, fileOrDir);
  let names: string[];
  try {
    names = fs.readdirSync(fileOrDir);
  } catch (e) {
    throw new AttackDataError(`cannot list the folder (${describeFsError(e)})`, fileOrDir);
  }
  return names
    .filter((f) => f.toLowerCase().endsWith('.json'))
    .sort()
    .map((f) => path.join(fileOrDir, f));
}

/** Reads and checks one bundle file; anything that keeps it from being used is an AttackDataError naming the file. */
export function readStixBundleFile(file: string): StixBundle {
  const read = readRegularFile(file, MAX_BUNDLE_BYTES);
  if ('refused' in read) throw new AttackDataError(`cannot read the bundle: ${read.refused}`, file);
  return readStixBundle(read.bytes.toString('utf8'), file);
}

/**
 * Reads the given files as ATT&CK bundles. Files that are not ATT&CK bundles are reported through
 * onSkip and left out; it throws only when nothing usable remains, and then says why in one
 * message (the skips are not reported separately).
 */
function readBundles(files: readonly string[], onSkip?: (file: string, why: string) => void, onWarning?: (message: string) => void): StixBundle[] {
  const bundles: StixBundle[] = [];
  const skips: [string, AttackDataError][] = [];
  const warnings: string[] = [];
  for (const file of files) {
    let bundle: StixBundle;
    try {
      bundle = readStixBundleFile(file);
    } catch (e) {
      if (e instanceof AttackDataError) {
        skips.push([file, e]);
        continue;
      }
      throw e;
    }
    const warning = malformedWarning(bundle);
    if (warning) warnings.push(warning);
    bundles.push(bundle);
  }
  if (bundles.length === 0) {
    if (files.length === 1 && skips.length === 1) throw skips[0][1];
    throw new AttackDataError(`no ATT&CK STIX bundle among ${files.length} file(s)${skips.length ? ` (first: ${skips[0][1].message})` : ''}`);
  }
  for (const [file, e] of skips) onSkip?.(file, e.message);
  for (const w of warnings) onWarning?.(w);
  return bundles;
}

function compileDomains(chosen: ReadonlyMap<string, StixBundle>, compiled = new Map<StixBundle, CompiledDomain>()): CompiledIndex {
  const domains = DOMAINS.filter((d) => chosen.has(d)).map((d) => {
    const bundle = chosen.get(d)!;
    if (!compiled.has(bundle)) compiled.set(bundle, compileBundle(bundle));
    return compiled.get(bundle)!;
  });
  return { format: COMPILED_FORMAT, domains };
}

/**
 * Compiles each domain's bundle at `version` among the given files ("latest": the newest per
 * domain); skips and failures as readBundles, and an AttackDataError naming the versions at hand
 * when no bundle is at that version.
 */
export function compileAtVersion(files: readonly string[], version: string, onSkip?: (file: string, why: string) => void, onWarning?: (message: string) => void): CompiledIndex {
  const bundles = readBundles(files, onSkip, onWarning);
  const chosen = atVersion(bundles, version);
  if (chosen.size === 0) throw new AttackDataError(unavailableVersion(version, bundles.map((b) => b.version)));
  return compileDomains(chosen);
}

/** The build's view of a folder of bundles: the newest per domain, and each older release the newest does not hold, compiled once each. */
export interface CompiledVersions {
  readonly latest: CompiledIndex;
  /** Release → the domains at that release, for each release some domain has apart from the newest. */
  readonly older: ReadonlyMap<string, CompiledIndex>;
}

export function compileEveryVersion(files: readonly string[], onSkip?: (file: string, why: string) => void, onWarning?: (message: string) => void): CompiledVersions {
  const bundles = readBundles(files, onSkip, onWarning);
  const compiled = new Map<StixBundle, CompiledDomain>();
  const newest = newestPerDomain(bundles);
  const latest = compileDomains(newest, compiled);
  const older = new Map<string, CompiledIndex>();
  for (const version of versionsAmong(bundles.map((b) => b.version))) {
    const chosen = atVersion(bundles, version);
    // Held whole by the newest index already (indexAtVersion cuts it down when pinned).
    if ([...chosen].every(([d, b]) => newest.get(d) === b)) continue;
    older.set(version, compileDomains(chosen, compiled));
  }
  return { latest, older };
}

/** Where the project's build and tests look for bundles: ATTACK_LENS_STIX, then ./data, then ../shared/attack. */
export function defaultStixLocation(projectRoot: string): string | undefined {
  const candidates = [process.env.ATTACK_LENS_STIX, path.join(projectRoot, 'data'), path.join(projectRoot, '..', 'shared', 'attack')];
  for (const c of candidates) {
    if (!c) continue;
    try {
      if (findStixBundleFiles(c).length > 0) return c;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}
