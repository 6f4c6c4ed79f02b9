import * as fs from 'fs';
import * as path from 'path';
import { compileBundle } from '../attack/compile';
import { readStixBundle, StixBundle } from '../attack/stix';
import { AttackDataError, COMPILED_FORMAT, CompiledDomain, CompiledIndex, DOMAINS } from '../attack/types';

// Node-only helpers for finding and compiling STIX bundles on disk: used by the build,
// the CLI and the benchmarks. The extension reads files through vscode.workspace.fs instead.

/** `*.json` files of a folder (not recursive), or the file itself. */
export function findStixBundleFiles(fileOrDir: string): string[] {
  const stat = fs.statSync(fileOrDir);
  if (stat.isFile()) return [fileOrDir];
  return fs
    .readdirSync(fileOrDir)
    .filter((f) => f.toLowerCase().endsWith('.json'))
    .sort()
    .map((f) => path.join(fileOrDir, f));
}

export function readStixBundleFile(file: string): StixBundle {
  return readStixBundle(fs.readFileSync(file, 'utf8'), file);
}

/** Compares ATT&CK versions numerically ("9.0" < "18.1"); "unknown" sorts first. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isFinite(pa[i]) ? pa[i] : -1;
    const y = Number.isFinite(pb[i]) ? pb[i] : -1;
    if (x !== y) return x - y;
  }
  return 0;
}

/**
 * Compiles the newest bundle per domain among the given files. Files that are not ATT&CK
 * bundles are reported through onSkip and left out; it throws only when nothing usable remains.
 */
export function compileNewestPerDomain(files: readonly string[], onSkip?: (file: string, why: string) => void): CompiledIndex {
  const newest = new Map<string, StixBundle>();
  for (const file of files) {
    let bundle: StixBundle;
    try {
      bundle = readStixBundleFile(file);
    } catch (e) {
      if (e instanceof AttackDataError) {
        onSkip?.(file, e.message);
        continue;
      }
      throw e;
    }
    const prev = newest.get(bundle.domain);
    if (!prev || compareVersions(bundle.version, prev.version) > 0) newest.set(bundle.domain, bundle);
  }
  if (newest.size === 0) throw new AttackDataError(`no ATT&CK STIX bundle among ${files.length} file(s)`);
  const domains: CompiledDomain[] = DOMAINS.filter((d) => newest.has(d)).map((d) => compileBundle(newest.get(d)!));
  return { format: COMPILED_FORMAT, domains };
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
