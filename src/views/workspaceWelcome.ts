import * as vscode from 'vscode';
import { RuleStore } from '../workspace/ruleStore';
import { WelcomeState, welcomeState } from './welcomeState';

// Keeps the context key attackLens.welcome ('noFolder', 'scanning', 'noRuleFiles' or 'none') in
// step with the workspace and the rule store, for the views' welcome content; the views ask
// `state` to leave their tree (and message) empty while a welcome shows.

const WELCOME_KEY = 'attackLens.welcome';

export class WorkspaceWelcome implements vscode.Disposable {
  private current: WelcomeState | undefined;
  private readonly changed = new vscode.EventEmitter<WelcomeState | undefined>();
  private readonly disposables: vscode.Disposable[];
  /** Fires after the state changed (and the context key was set to it). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly store: RuleStore) {
    this.disposables = [this.changed, store.onDidChange(() => this.update()), store.onDidChangeScanning(() => this.update()), vscode.workspace.onDidChangeWorkspaceFolders(() => this.update())];
    this.current = this.compute();
    void vscode.commands.executeCommand('setContext', WELCOME_KEY, this.current ?? 'none');
  }

  /** The welcome the views show now (the value of the context key), or undefined when they show their trees. */
  get state(): WelcomeState | undefined {
    return this.current;
  }

  private compute(): WelcomeState | undefined {
    const store = this.store;
    return welcomeState({
      folders: vscode.workspace.workspaceFolders?.length ?? 0,
      scanned: store.lastScan !== undefined,
      scanning: store.scanning,
      empty: () => {
        const model = store.model;
        return model.ruleCount === 0 && model.problems.length === 0 && model.skipped.length === 0;
      },
    });
  }

  private update(): void {
    const next = this.compute();
    if (next === this.current) return;
    this.current = next;
    void vscode.commands.executeCommand('setContext', WELCOME_KEY, next ?? 'none');
    this.changed.fire(next);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
