import * as vscode from 'vscode';
import { compileBundle } from '../attack/compile';
import { AttackIndex } from '../attack/index';
import { malformedWarning, readStixBundle, StixBundle } from '../attack/stix';
import { AttackDataError, COMPILED_FORMAT, DOMAINS } from '../attack/types';
import type { SettingPath } from '../config';
import { newestPerDomain } from '../attack/versions';
import { fileExists } from '../workspace/fileExists';
import { settingUri } from '../workspace/settingPath';
import { DataFileRefusal, MAX_DATA_FILE_BYTES, readDataText } from '../workspace/readDataFile';

// Where the extension's ATT&CK data comes from, in order: bundles named by the
// attackLens.stixBundles setting; the cache the Update command wrote to global storage;
// the index shipped in dist/. Every read goes through vscode.workspace.fs.

export interface LoadedData {
  readonly index: AttackIndex;
  readonly source: string;
}


function shippedIndexUri(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'attack-index.json');
}

export function cachedIndexUri(globalStorage: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(globalStorage, 'attack-index.json');
}

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

/**
 * Compiles user bundles; any unreadable or foreign bundle is an AttackDataError naming it. A bundle
 * read without its malformed objects is used, and `onWarning` hears how many were left out.
 */
export async function compileBundleUris(uris: readonly vscode.Uri[], onWarning?: (message: string) => void): Promise<AttackIndex> {
  const bundles: StixBundle[] = [];
  for (const uri of uris) {
    const bundle = readStixBundle(await readText(uri), uri.fsPath || uri.toString());
    const warning = malformedWarning(bundle);
    if (warning) onWarning?.(`ATT&CK Lens read attackLens.stixBundles without some objects: ${warning}`);
    bundles.push(bundle);
  }
  const newest = newestPerDomain(bundles);
  const domains = DOMAINS.filter((d) => newest.has(d)).map((d) => compileBundle(newest.get(d)!));
  return AttackIndex.fromCompiled({ format: COMPILED_FORMAT, domains });
}

async function loadShippedIndex(extensionUri: vscode.Uri): Promise<LoadedData> {
  const uri = shippedIndexUri(extensionUri);
  return { index: AttackIndex.fromJson(await readText(uri), uri.fsPath), source: 'built-in data' };
}

/** What kept a source from being used: the message for the user; `stack` (a bug, not bad data) for the log. */
export interface DataProblem {
  readonly message: string;
  readonly stack?: string;
  /** The data was used, without some of it (malformed objects left out). */
  readonly warning?: true;
}

function problemOf(prefix: string, e: unknown): DataProblem {
  if (e instanceof AttackDataError) return { message: `${prefix}: ${e.message}` };
  return { message: `${prefix}: unexpected error (${(e as Error)?.message ?? String(e)})`, stack: (e as Error)?.stack };
}

/**
 * The data to use now. `onProblem` hears about settings bundles or a cache that could not be
 * used (and warnings about bundles read without malformed objects); loading then falls through
 * to the next source rather than failing activation. Only a broken shipped index throws.
 */
export async function loadAttackData(
  extensionUri: vscode.Uri,
  globalStorage: vscode.Uri,
  stixBundles: readonly SettingPath[],
  onProblem: (problem: DataProblem) => void,
): Promise<LoadedData> {
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
      return { index: AttackIndex.fromJson(await readText(cached), cached.fsPath), source: 'downloaded data (ATT&CK Lens: Update ATT&CK data)' };
    } catch (e) {
      onProblem(problemOf('ATT&CK Lens ignored its downloaded data (the built-in data is used instead)', e));
    }
  }
  return loadShippedIndex(extensionUri);
}
