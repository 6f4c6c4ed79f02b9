import * as vscode from 'vscode';
import { describeIndex, LensContext } from '../context';
import { untrustedMarkdown } from '../untrustedMarkdown';

/** "ATT&CK v18.1" in the status bar; the tooltip names every loaded domain and the data's source. */
export function registerStatusBar(lens: LensContext): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('attackLens.version', vscode.StatusBarAlignment.Right, 100);
  item.name = 'ATT&CK Lens data version';
  item.command = 'attackLens.showAttackInfo';
  const render = () => {
    item.text = `$(shield) ${lens.index.versionLabel}`;
    const tip = untrustedMarkdown();
    tip.appendText(`ATT&CK Lens: ${describeIndex(lens.index)}\nSource: ${lens.indexSource}`);
    item.tooltip = tip;
    item.show();
  };
  render();
  return vscode.Disposable.from(item, lens.onDidChangeIndex(render));
}
