import * as vscode from 'vscode';
import { pinState } from '../attack/versions';
import { describeIndex, LensContext } from '../context';
import { untrustedMarkdown } from '../untrustedMarkdown';

/**
 * "ATT&CK v18.1" in the status bar, "ATT&CK v17.1 (pinned)" when attackLens.attackVersion pins the
 * version in use, and a warning when the pinned version is not available; the tooltip names every
 * loaded domain, the data's source and the pin.
 */
export function registerStatusBar(lens: LensContext): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('attackLens.version', vscode.StatusBarAlignment.Right, 100);
  item.name = 'ATT&CK Lens data version';
  item.command = 'attackLens.showAttackInfo';
  const render = () => {
    const pin = pinState(lens.config.attackVersion, lens.index.primary?.version);
    const label = lens.index.versionLabel;
    const tip = untrustedMarkdown();
    tip.appendText(`ATT&CK Lens: ${describeIndex(lens.index)}\nSource: ${lens.indexSource}\n`);
    if (pin.kind === 'latest') {
      item.text = `$(shield) ${label}`;
      tip.appendText('Version: the newest available (attackLens.attackVersion: latest)');
    } else if (pin.kind === 'pinned') {
      item.text = `$(pinned) ${label} (pinned)`;
      tip.appendText(`Version: pinned to ${pin.version} by attackLens.attackVersion`);
    } else {
      item.text = `$(warning) ${label} (${pin.wanted} not available)`;
      tip.appendText(`Version: attackLens.attackVersion pins ${pin.wanted}, which is not available; the data above stays in use`);
    }
    item.tooltip = tip;
    item.show();
  };
  render();
  // A pin that could not be loaded changes no data: the settings reload records it, and the pin shows then.
  return vscode.Disposable.from(item, lens.onDidChangeIndex(render), lens.dataEvents.onDidRecord(render));
}
