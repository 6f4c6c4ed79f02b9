import * as vscode from 'vscode';
import { compileBundle } from '../attack/compile';
import { AttackIndex } from '../attack/index';
import { readStixBundle, StixBundle } from '../attack/stix';
import { AttackDataError, COMPILED_FORMAT, DOMAINS } from '../attack/types';

// Where the extension's ATT&CK data comes from, in order: bundles named by the
// attackLens.stixBundles setting; the cache the Update command wrote to global storage;
// the index shipped in dist/. Every read goes through vscode.workspace.fs.

export interface LoadedData {
  readonly index: AttackIndex;
  readonly source: string;
}

const decoder = new TextDecoder();

export function shippedIndexUri(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'attack-index.json');
}

export function cachedIndexUri(globalStorage: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(globalStorage, 'attack-index.json');
}

async function readText(uri: vscode.Uri): Promise<string> {
  return decoder.decode(await vscode.workspace.fs.readFile(uri));
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** A settings path: absolute, or relative to the first workspace folder. */
export function resolveSettingPath(p: string): vscode.Uri {
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(p)) return vscode.Uri.parse(p);
  if (p.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(p)) return vscode.Uri.file(p);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, p) : vscode.Uri.file(p);
}

/** Compiles user bundles; any unreadable or foreign bundle is an AttackDataError naming it. */
export async function compileBundleUris(uris: readonly vscode.Uri[]): Promise<AttackIndex> {
  const newest = new Map<string, StixBundle>();
  for (const uri of uris) {
    let text: string;
    try {
      text = await readText(uri);
    } catch (e) {
      throw new AttackDataError(`cannot read the file (${(e as Error).message})`, uri.fsPath || uri.toString());
    }
    const bundle = readStixBundle(text, uri.fsPath || uri.toString());
    const prev = newest.get(bundle.domain);
    if (!prev || Number.parseFloat(bundle.version) >= Number.parseFloat(prev.version)) newest.set(bundle.domain, bundle);
  }
  const domains = DOMAINS.filter((d) => newest.has(d)).map((d) => compileBundle(newest.get(d)!));
  return AttackIndex.fromCompiled({ format: COMPILED_FORMAT, domains });
}

export async function loadShippedIndex(extensionUri: vscode.Uri): Promise<LoadedData> {
  const uri = shippedIndexUri(extensionUri);
  return { index: AttackIndex.fromJson(await readText(uri), uri.fsPath), source: 'built-in data' };
}

/**
 * The data to use now. `onProblem` hears about settings bundles or a cache that could not be
 * used; loading then falls through to the next source rather than failing activation.
 */
export async function loadAttackData(
  extensionUri: vscode.Uri,
  globalStorage: vscode.Uri,
  stixBundles: readonly string[],
  onProblem: (message: string) => void,
): Promise<LoadedData> {
  if (stixBundles.length > 0) {
    try {
      const index = await compileBundleUris(stixBundles.map(resolveSettingPath));
      return { index, source: `attackLens.stixBundles (${stixBundles.join(', ')})` };
    } catch (e) {
      if (!(e instanceof AttackDataError)) throw e;
      onProblem(`ATT&CK Lens could not use attackLens.stixBundles: ${e.message}`);
    }
  }
  const cached = cachedIndexUri(globalStorage);
  if (await exists(cached)) {
    try {
      return { index: AttackIndex.fromJson(await readText(cached), cached.fsPath), source: 'downloaded data (ATT&CK Lens: Update ATT&CK data)' };
    } catch (e) {
      if (!(e instanceof AttackDataError)) throw e;
      onProblem(`ATT&CK Lens ignored its downloaded data: ${e.message}`);
    }
  }
  return loadShippedIndex(extensionUri);
}
