import * as vscode from 'vscode';
import { compileBundle } from '../attack/compile';
import { AttackIndex } from '../attack/index';
import { malformedWarning, readStixBundle, StixBundle } from '../attack/stix';
import { AttackDataError, COMPILED_FORMAT, DOMAINS } from '../attack/types';
import type { SettingPath } from '../config';
import { indexAtVersion, LATEST_INDEX_FILE, parseVersionManifest, StoredIndex, storedIndexFor, storedVersions, VersionManifest, VERSIONS_FILE } from '../attack/versionStore';
import { atVersion, LATEST, unavailableVersion } from '../attack/versions';
import { fileExists } from '../workspace/fileExists';
import { settingUri } from '../workspace/settingPath';
import { DataFileRefusal, MAX_DATA_FILE_BYTES, readDataText } from '../workspace/readDataFile';

// Where the extension's ATT&CK data comes from, in order: bundles named by the
// attackLens.stixBundles setting; the cache the Update command wrote to global storage;
// the index shipped in dist/. Every read goes through vscode.workspace.fs. A version pinned by
// attackLens.attackVersion is looked up in the same places; global storage and dist/ keep several
// versions side by side (src/attack/versionStore.ts) and only the file holding it is read.

export interface LoadedData {
  readonly index: AttackIndex;
  readonly source: string;
}


function shippedFolder(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist');
}

function cachedIndexUri(globalStorage: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(globalStorage, LATEST_INDEX_FILE);
}

const SHIPPED_SOURCE = 'built-in data';
const DOWNLOADED_SOURCE = 'downloaded data (ATT&CK Lens: Update ATT&CK data)';

/** Reads a data file (regular files only, capped); problems are AttackDataErrors naming it. */
async function readText(uri: vscode.Uri): Promise<string> {
  try {
    return await readDataText(uri, MAX_DATA_FILE_BYTES);
  } catch (e) {
    const source = uri.fsPath || uri.toString();
    if (e instanceof DataFileRefusal) throw new AttackDataError(e.message, source);
    throw new AttackDataError(`cannot read the file (${(e as Error)?.message ?? String(e)})`, source);
  }
}

/** Reads user bundles; any unreadable or foreign one is an AttackDataError naming it, one read without its malformed objects a warning. */
async function readBundleUris(uris: readonly vscode.Uri[], onWarning?: (message: string) => void): Promise<StixBundle[]> {
  const bundles: StixBundle[] = [];
  for (const uri of uris) {
    const bundle = readStixBundle(await readText(uri), uri.fsPath || uri.toString());
    const warning = malformedWarning(bundle);
    if (warning) onWarning?.(`ATT&CK Lens read attackLens.stixBundles without some objects: ${warning}`);
    bundles.push(bundle);
  }
  return bundles;
}

function compileChosen(chosen: ReadonlyMap<string, StixBundle>): AttackIndex {
  const domains = DOMAINS.filter((d) => chosen.has(d)).map((d) => compileBundle(chosen.get(d)!));
  return AttackIndex.fromCompiled({ format: COMPILED_FORMAT, domains });
}

/**
 * Compiles user bundles, the newest per domain; any unreadable or foreign bundle is an
 * AttackDataError naming it. A bundle read without its malformed objects is used, and
 * `onWarning` hears how many were left out.
 */
export async function compileBundleUris(uris: readonly vscode.Uri[], onWarning?: (message: string) => void): Promise<AttackIndex> {
  return compileChosen(atVersion(await readBundleUris(uris, onWarning), LATEST));
}

async function loadShippedIndex(extensionUri: vscode.Uri): Promise<LoadedData> {
  const uri = vscode.Uri.joinPath(shippedFolder(extensionUri), LATEST_INDEX_FILE);
  return { index: AttackIndex.fromJson(await readText(uri), uri.fsPath), source: SHIPPED_SOURCE };
}

/** A folder's attack-versions.json; undefined when it has none (a cache written before versions were kept side by side). */
export async function readVersionManifest(folder: vscode.Uri): Promise<VersionManifest | undefined> {
  const uri = vscode.Uri.joinPath(folder, VERSIONS_FILE);
  if (!(await fileExists(uri))) return undefined;
  return parseVersionManifest(await readText(uri), uri.fsPath);
}

/** What kept a source from being used: the message for the user; `stack` (a bug, not bad data) for the log. */
export interface DataProblem {
  readonly message: string;
  readonly stack?: string;
  /** The data was used, without some of it (malformed objects left out). */
  readonly warning?: true;
  /** The setting to open from the message (attackLens.stixBundles when not given). */
  readonly setting?: string;
}

function problemOf(prefix: string, e: unknown): DataProblem {
  if (e instanceof AttackDataError) return { message: `${prefix}: ${e.message}` };
  return { message: `${prefix}: unexpected error (${(e as Error)?.message ?? String(e)})`, stack: (e as Error)?.stack };
}

/** A pinned version found nowhere: the message names what is available. */
export interface UnavailableVersion {
  readonly unavailable: string;
}

/**
 * The data at a pinned `version`, from the first source that has it: the attackLens.stixBundles
 * bundles at that version, else the downloaded or the shipped index holding the most domains at it
 * (the downloaded on a tie). Sources that cannot be read are reported through onProblem and skipped.
 */
export async function loadPinnedVersion(
  extensionUri: vscode.Uri,
  globalStorage: vscode.Uri,
  stixBundles: readonly SettingPath[],
  version: string,
  onProblem: (problem: DataProblem) => void,
): Promise<LoadedData | UnavailableVersion> {
  const seen: string[] = [];
  if (stixBundles.length > 0) {
    try {
      const bundles = await readBundleUris(stixBundles.map(settingUri), (message) => onProblem({ message, warning: true }));
      const chosen = atVersion(bundles, version);
      if (chosen.size > 0) return { index: compileChosen(chosen), source: `attackLens.stixBundles (${stixBundles.map((b) => b.path).join(', ')})` };
      seen.push(...bundles.map((b) => b.version));
    } catch (e) {
      onProblem(problemOf('ATT&CK Lens could not use attackLens.stixBundles', e));
    }
  }
  const candidates: { folder: vscode.Uri; entry: StoredIndex; source: string; count: number }[] = [];
  for (const [folder, source] of [[globalStorage, DOWNLOADED_SOURCE], [shippedFolder(extensionUri), SHIPPED_SOURCE]] as const) {
    let manifest: VersionManifest | undefined;
    try {
      manifest = await readVersionManifest(folder);
    } catch (e) {
      onProblem(problemOf(`ATT&CK Lens ignored the list of ATT&CK versions of its ${source}`, e));
    }
    if (!manifest) continue;
    seen.push(...storedVersions(manifest));
    const entry = storedIndexFor(manifest, version);
    if (entry) candidates.push({ folder, entry, source, count: Object.values(entry.domains).filter((v) => v === version).length });
  }
  // Most domains at the version first; the sort is stable, so the downloaded data wins a tie.
  for (const c of candidates.sort((a, b) => b.count - a.count)) {
    const uri = vscode.Uri.joinPath(c.folder, c.entry.file);
    try {
      return { index: indexAtVersion(AttackIndex.fromJson(await readText(uri), uri.fsPath), version), source: c.source };
    } catch (e) {
      onProblem(problemOf(`ATT&CK Lens could not read ATT&CK ${version} from its ${c.source}`, e));
    }
  }
  return {
    unavailable: `attackLens.attackVersion: ${unavailableVersion(version, seen)}. Run "Update ATT&CK data" to download it, list its bundles in attackLens.stixBundles, or set attackLens.attackVersion to "latest".`,
  };
}

/**
 * The data to use now. `onProblem` hears about settings bundles or a cache that could not be
 * used (and warnings about bundles read without malformed objects); loading then falls through
 * to the next source rather than failing activation. A pinned `version` found nowhere is a
 * problem too, and the newest data is used. Only a broken shipped index throws.
 */
export async function loadAttackData(
  extensionUri: vscode.Uri,
  globalStorage: vscode.Uri,
  stixBundles: readonly SettingPath[],
  onProblem: (problem: DataProblem) => void,
  version = LATEST,
): Promise<LoadedData> {
  if (version !== LATEST) {
    const pinned = await loadPinnedVersion(extensionUri, globalStorage, stixBundles, version, onProblem);
    if ('index' in pinned) return pinned;
    onProblem({ message: `${pinned.unavailable} Using the newest data available instead.`, setting: 'attackLens.attackVersion' });
  }
  if (stixBundles.length > 0) {
    try {
      const index = await compileBundleUris(stixBundles.map(settingUri), (message) => onProblem({ message, warning: true }));
      return { index, source: `attackLens.stixBundles (${stixBundles.map((b) => b.path).join(', ')})` };
    } catch (e) {
      onProblem(problemOf('ATT&CK Lens could not use attackLens.stixBundles', e));
    }
  }
  const cached = cachedIndexUri(globalStorage);
  if (await fileExists(cached)) {
    try {
      return { index: AttackIndex.fromJson(await readText(cached), cached.fsPath), source: DOWNLOADED_SOURCE };
    } catch (e) {
      onProblem(problemOf('ATT&CK Lens ignored its downloaded data (the built-in data is used instead)', e));
    }
  }
  return loadShippedIndex(extensionUri);
}
