import * as vscode from 'vscode';
import { noticeText } from '../outsideText';
import { AttackDataError } from '../attack/types';
import { LensContext } from '../context';
import { compileBundleUris, loadAttackData } from './loadAttackData';
import { settingUri } from '../workspace/settingPath';

/**
 * Reloads the ATT&CK data when `attackLens.stixBundles` changes. Reloads run one at a time in
 * the order of the changes; a bundle that cannot be used leaves the current data in place and
 * says why.
 */
export function registerAttackDataSettingsWatcher(lens: LensContext): vscode.Disposable {
  let queue: Promise<void> = Promise.resolve();
  return lens.config.onDidChange((affects) => {
    if (!affects('stixBundles')) return;
    queue = queue.then(() => reload(lens));
  });
}

async function reload(lens: LensContext): Promise<void> {
  const bundles = lens.config.stixBundlePaths;
  const before = lens.index.versionLabel;
  try {
    if (bundles.length > 0) {
      const warnings: string[] = [];
      const index = await compileBundleUris(bundles.map(settingUri), (w) => warnings.push(w));
      lens.setIndex(index, `attackLens.stixBundles (${bundles.map((b) => b.path).join(', ')})`);
      for (const w of warnings) {
        lens.log.warn(w);
        void vscode.window.showWarningMessage(w);
      }
    } else {
      const loaded = await loadAttackData(lens.extension.extensionUri, lens.extension.globalStorageUri, [], (p) => lens.log.warn(p.stack ?? p.message));
      lens.setIndex(loaded.index, loaded.source);
    }
    lens.dataEvents.record('settings', 'loaded', `${before} → ${lens.index.versionLabel} from ${lens.indexSource}`);
  } catch (e) {
    const reason = e instanceof AttackDataError ? e.message : `unexpected error: ${(e as Error).stack ?? e}`;
    const message = `ATT&CK Lens could not use attackLens.stixBundles and kept ${before}: ${reason}`;
    lens.log.error(message);
    lens.dataEvents.record('settings', 'failed', message);
    void vscode.window.showErrorMessage(noticeText(message), 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'attackLens.stixBundles');
    });
  }
}
