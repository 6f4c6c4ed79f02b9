import * as vscode from 'vscode';
import { LensContext } from './context';
import { Config } from './config';
import { registerRestrictedModeNotice } from './restrictedMode';
import { noticeText } from './outsideText';
import { loadAttackData } from './data/loadAttackData';
import { registerStatusBar } from './views/statusBar';
import { registerAttackDataSettingsWatcher } from './data/watchAttackDataSettings';
import { registerShowAttackInfoCommand } from './commands/showAttackInfo';
import { registerUpdateAttackDataCommand } from './commands/updateAttackData';
import { registerCoverage } from './views/coverageFeature';
import { registerDiagnostics } from './editor/diagnostics';
import { registerCodeActions } from './editor/codeActions';
import { registerFixAllRevoked } from './commands/fixAllRevoked';
import { registerCoverageMatrix } from './commands/showCoverageMatrix';
import { registerCompletion } from './editor/completion';
import { registerHover } from './editor/hover';
import { registerDocumentLinks } from './editor/documentLinks';
import { registerSearchAttackCommand } from './commands/searchAttack';
import { registerOpenTechniqueCommand } from './commands/openTechnique';
import type { CoverageTreeProvider } from './views/coverageTree';
import type { RuleStore } from './workspace/ruleStore';
import { registerPriorityGaps } from './views/priorityGapsFeature';
import type { PriorityGapsProvider } from './views/priorityGapsTree';
import type { ThreatProfileState } from './views/threatProfileState';
import { registerChooseThreatProfileCommand } from './commands/chooseThreatProfile';
import { registerClearThreatProfileCommand } from './commands/clearThreatProfile';
import { registerCheckRulesAgainstAttack } from './commands/checkRulesAgainstAttack';

// activate() only wires: it loads the ATT&CK data once into the shared LensContext and
// registers each feature, pushing every disposable. Features live in their own files.

export interface AttackLensApi {
  readonly lens: LensContext;
  /** Resolves when the first workspace scan has finished (tests and other extensions wait on it). */
  readonly ready: Promise<void>;
  /** The workspace's parsed rule files and their coverage (src/workspace/ruleStore.ts). */
  readonly rules: RuleStore;
  /** The Coverage view's data provider (nodes and items as the sidebar shows them). */
  readonly coverageTree: CoverageTreeProvider;
  /** The Priority gaps view's data provider, and the threat profile / baseline / atomics state it shows. */
  readonly priorityGaps: PriorityGapsProvider;
  readonly threatProfile: ThreatProfileState;
}

export async function activate(context: vscode.ExtensionContext): Promise<AttackLensApi> {
  const started = Date.now();
  const problems: string[] = [];
  const loaded = await loadAttackData(context.extensionUri, context.globalStorageUri, new Config().stixBundles, (m) => problems.push(m));
  const lens = new LensContext(context, loaded.index, loaded.source);
  context.subscriptions.push(lens);
  for (const p of problems) {
    lens.log.warn(p);
    void vscode.window.showWarningMessage(noticeText(p));
  }

  const pending: Promise<unknown>[] = [];
  const register = (d: vscode.Disposable | { disposable: vscode.Disposable; ready?: Promise<unknown> }) => {
    if ('disposable' in d) {
      context.subscriptions.push(d.disposable);
      if (d.ready) pending.push(d.ready);
    } else context.subscriptions.push(d);
  };

  // --- features (one line each) ---
  register(registerRestrictedModeNotice(lens));
  register(registerStatusBar(lens));
  register(registerAttackDataSettingsWatcher(lens));
  register(registerShowAttackInfoCommand(lens));
  register(registerUpdateAttackDataCommand(lens));
  const coverage = registerCoverage(lens); register(coverage);
  register(registerDiagnostics(lens));
  register(registerCodeActions(lens));
  register(registerFixAllRevoked(lens));
  register(registerCoverageMatrix(lens, coverage.store));
  register(registerCompletion(lens));
  register(registerHover(lens));
  register(registerDocumentLinks(lens));
  register(registerSearchAttackCommand(lens));
  register(registerOpenTechniqueCommand(lens));
  const priorities = registerPriorityGaps(lens, coverage.store); register(priorities);
  register(registerChooseThreatProfileCommand(lens));
  register(registerClearThreatProfileCommand(lens));
  register(registerCheckRulesAgainstAttack(lens));
  // --- end features ---

  // `npm run bench` reads these two lines from the log of a real code-server. Completion, hover,
  // diagnostics and commands answer from here on; the first coverage scan runs in the background.
  lens.log.info(`Activated with ${lens.index.versionLabel} (${lens.indexSource}) in ${Date.now() - started} ms`);
  const ready = Promise.all(pending).then(() => lens.log.info(`First coverage scan done ${Date.now() - started} ms after activation`));
  return { lens, ready, rules: coverage.store, coverageTree: coverage.tree, priorityGaps: priorities.tree, threatProfile: priorities.state };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
