import * as vscode from 'vscode';
import { misfitCount, namedIds, suggestVersion, VersionFit } from '../attack/versionFit';
import { storedVersions } from '../attack/versionStore';
import { versionsAmong } from '../attack/versions';
import { LensContext } from '../context';
import type { RuleStore } from '../workspace/ruleStore';
import { loadPinnedVersion, readVersionManifest } from './loadAttackData';

// One note per workspace when its rules clearly follow another available ATT&CK release than the
// loaded one (many IDs revoked or unknown here that the other has active): "Pin 17.1" sets
// attackLens.attackVersion. The other releases are read only when the loaded one misses many IDs,
// one at a time, and let go after counting.

const SUGGESTED_KEY = 'attackLens.versionSuggested';

/** The releases kept in global storage and dist/ (the stixBundles bundles are not read for this). */
async function availableVersions(lens: LensContext): Promise<string[]> {
  const folders = [lens.extension.globalStorageUri, vscode.Uri.joinPath(lens.extension.extensionUri, 'dist')];
  const versions: string[] = [];
  for (const folder of folders) {
    const manifest = await readVersionManifest(folder).catch(() => undefined);
    if (manifest) versions.push(...storedVersions(manifest));
  }
  return versionsAmong(versions);
}

async function check(lens: LensContext, store: RuleStore): Promise<void> {
  if (lens.extension.workspaceState.get<boolean>(SUGGESTED_KEY)) return;
  const index = lens.index;
  const version = index.primary?.version;
  const named = namedIds(store.model);
  if (!version || named.size === 0) return;
  const loaded: VersionFit = { version, misfits: misfitCount(index, named) };
  // Cheap test first: when the loaded release fits, no other is read.
  if (!suggestVersion(loaded, [{ version: '', misfits: 0 }], named.size)) return;
  const others: VersionFit[] = [];
  for (const v of (await availableVersions(lens)).filter((x) => x !== version)) {
    const data = await loadPinnedVersion(lens.extension.extensionUri, lens.extension.globalStorageUri, [], v, () => undefined);
    if ('index' in data) others.push({ version: v, misfits: misfitCount(data.index, named) });
  }
  const best = suggestVersion(loaded, others, named.size);
  if (!best || lens.index !== index) return;
  await lens.extension.workspaceState.update(SUGGESTED_KEY, true);
  const message = `This workspace's rules follow ATT&CK ${best.version} rather than the loaded ${version}: ${loaded.misfits} of the ${named.size} IDs they name are revoked or unknown in ${version}, ${best.misfits} in ${best.version}.`;
  lens.log.info(message);
  const choice = await vscode.window.showInformationMessage(message, `Pin ${best.version}`, 'Not now');
  if (choice === `Pin ${best.version}`) await lens.config.update('attackVersion', best.version, 'workspace');
}

/** Checks after the first scan and after each data change, in the background (activation does not wait for it). */
export function registerVersionSuggestion(lens: LensContext, store: RuleStore): vscode.Disposable {
  const run = () => void check(lens, store).catch((e: unknown) => lens.log.error(`ATT&CK version suggestion: ${(e as Error)?.stack ?? String(e)}`));
  void store.ready.then(run);
  return lens.onDidChangeIndex(() => void store.ready.then(run));
}
