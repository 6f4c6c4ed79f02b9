import * as vscode from 'vscode';
import { noticeText } from '../outsideText';
import { AttackDataError } from '../attack/types';
import { LATEST } from '../attack/versions';
import { LensContext } from '../context';
import { compileBundleUris, DataProblem, loadAttackData, loadPinnedVersion } from './loadAttackData';
import { settingUri } from '../workspace/settingPath';

/**
 * Reloads the ATT&CK data when `attackLens.stixBundles` or `attackLens.attackVersion` changes.
 * Reloads run one at a time in the order of the changes; a bundle that cannot be used, or a
 * pinned version that is not available, leaves the current data in place and says why.
 */
export function registerAttackDataSettingsWatcher(lens: LensContext): vscode.Disposable {
  let queue: Promise<void> = Promise.resolve();
  return lens.config.onDidChange((affects) => {
    const bundlesChanged = affects('stixBundles');
    if (!bundlesChanged && !affects('attackVersion')) return;
    queue = queue.then(() => reload(lens, bundlesChanged));
  });
}

function showFailure(lens: LensContext, message: string, setting: string): void {
  lens.log.error(message);
  lens.dataEvents.record('settings', 'failed', message);
  void vscode.window.showErrorMessage(noticeText(message), 'Open Settings').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', setting);
  });
}

function showWarnings(lens: LensContext, warnings: readonly string[]): void {
  for (const w of warnings) {
    lens.log.warn(w);
    void vscode.window.showWarningMessage(noticeText(w));
  }
}

/**
 * `bundlesChanged`: new attackLens.stixBundles that cannot be used keep the data in use. When only
 * the version changed, the sources are tried in order as at activation (a bundle that was already
 * refused does not hold the data back from "latest").
 */
async function reload(lens: LensContext, bundlesChanged: boolean): Promise<void> {
  const bundles = lens.config.stixBundlePaths;
  const version = lens.config.attackVersion;
  const before = lens.index.versionLabel;
  try {
    if (version !== LATEST) {
      const problems: DataProblem[] = [];
      const pinned = await loadPinnedVersion(lens.extension.extensionUri, lens.extension.globalStorageUri, bundles, version, (p) => problems.push(p));
      // A bundle refused before is not reported again for a change of version only.
      if (bundlesChanged) showWarnings(lens, problems.map((p) => p.message));
      else for (const p of problems) lens.log.warn(p.stack ?? p.message);
      if ('unavailable' in pinned) return showFailure(lens, `ATT&CK Lens kept ${before}: ${pinned.unavailable}`, 'attackLens.attackVersion');
      lens.setIndex(pinned.index, pinned.source);
    } else if (bundles.length > 0 && bundlesChanged) {
      const warnings: string[] = [];
      const index = await compileBundleUris(bundles.map(settingUri), (w) => warnings.push(w));
      lens.setIndex(index, `attackLens.stixBundles (${bundles.map((b) => b.path).join(', ')})`);
      showWarnings(lens, warnings);
    } else {
      const problems: DataProblem[] = [];
      const loaded = await loadAttackData(lens.extension.extensionUri, lens.extension.globalStorageUri, bundles, (p) => problems.push(p));
      for (const p of problems) lens.log.warn(p.stack ?? p.message);
      lens.setIndex(loaded.index, loaded.source);
    }
    lens.dataEvents.record('settings', 'loaded', `${before} → ${lens.index.versionLabel} from ${lens.indexSource}`);
  } catch (e) {
    const reason = e instanceof AttackDataError ? e.message : `unexpected error: ${(e as Error).stack ?? e}`;
    showFailure(lens, `ATT&CK Lens could not use attackLens.stixBundles and kept ${before}: ${reason}`, 'attackLens.stixBundles');
  }
}
