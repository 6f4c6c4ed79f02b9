import * as vscode from 'vscode';
import { LensContext } from './context';
import { AttackIndex } from './attack/index';
import { recordAttackDataEvent } from './data/attackDataEvents';
import { DataProblem, LoadedData, loadAttackData } from './data/loadAttackData';
import { GuardedRegistration } from './guardedRegistration';
import { Config } from './config';
import { registerRestrictedModeNotice } from './restrictedMode';
import { noticeText } from './outsideText';
import { registerStatusBar } from './views/statusBar';
import { registerAttackDataSettingsWatcher } from './data/watchAttackDataSettings';
import { registerShowAttackInfoCommand } from './commands/showAttackInfo';
import { registerUpdateAttackDataCommand } from './commands/updateAttackData';
import { registerCoverage } from './views/coverageFeature';
import { DiagnosticsFeature, registerDiagnostics } from './editor/diagnostics';
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
// activate cannot fail: bad data falls back to the next source, and a feature that throws is
// logged and named in one error while the others register.

export interface AttackLensApi {
  readonly lens: LensContext;
  /** Resolves when the first workspace scan has finished (tests and other extensions wait on it). */
  readonly ready: Promise<void>;
  /** The workspace's parsed rule files and their coverage (src/workspace/ruleStore.ts). */
  readonly rules?: RuleStore;
  /** The Coverage view's data provider (nodes and items as the sidebar shows them). */
  readonly coverageTree?: CoverageTreeProvider;
  /** The Priority gaps view's data provider, and the threat profile / baseline / atomics state it shows. */
  readonly priorityGaps?: PriorityGapsProvider;
  readonly threatProfile?: ThreatProfileState;
  /** When each open document's ATT&CK diagnostics were last published. */
  readonly diagnostics?: DiagnosticsFeature;
}

export async function activate(context: vscode.ExtensionContext): Promise<AttackLensApi> {
  const started = Date.now();
  const problems: DataProblem[] = [];
  let loaded: LoadedData;
  try {
    loaded = await loadAttackData(context.extensionUri, context.globalStorageUri, new Config().stixBundles, (p) => problems.push(p));
  } catch (e) {
    // Only the shipped index is left to fail here: run without ATT&CK data rather than not at all.
    problems.push({ message: `ATT&CK Lens could not load its built-in ATT&CK data: ${(e as Error)?.message ?? String(e)}`, stack: (e as Error)?.stack });
    loaded = { index: new AttackIndex([]), source: 'no data (the built-in data could not be read)' };
  }
  const lens = new LensContext(context, loaded.index, loaded.source);
  context.subscriptions.push(lens);
  for (const p of problems) reportDataProblem(lens, p);

  const features = new GuardedRegistration(context.subscriptions, lens.log, (message) => {
    void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => choice && lens.log.show());
  });
  const add = features.add.bind(features);

  // --- features (one line each) ---
  add('Restricted Mode notice', () => registerRestrictedModeNotice(lens));
  add('status bar', () => registerStatusBar(lens));
  add('attackLens.stixBundles watcher', () => registerAttackDataSettingsWatcher(lens));
  add('Show loaded ATT&CK data', () => registerShowAttackInfoCommand(lens));
  add('Update ATT&CK data', () => registerUpdateAttackDataCommand(lens));
  const coverage = add('coverage view', () => registerCoverage(lens));
  const diagnostics = add('diagnostics', () => registerDiagnostics(lens));
  add('code actions', () => registerCodeActions(lens));
  add('Fix all revoked', () => registerFixAllRevoked(lens));
  if (coverage) add('coverage matrix', () => registerCoverageMatrix(lens, coverage.store));
  add('completion', () => registerCompletion(lens));
  add('hover', () => registerHover(lens));
  add('document links', () => registerDocumentLinks(lens));
  add('Search ATT&CK', () => registerSearchAttackCommand(lens));
  add('Open technique', () => registerOpenTechniqueCommand(lens));
  const priorities = coverage ? add('priority gaps view', () => registerPriorityGaps(lens, coverage.store)) : undefined;
  add('Choose threat profile', () => registerChooseThreatProfileCommand(lens));
  add('Clear threat profile', () => registerClearThreatProfileCommand(lens));
  add('Check rules against ATT&CK', () => registerCheckRulesAgainstAttack(lens));
  // --- end features ---
  features.reportFailures();

  // `npm run bench` reads these two lines from the log of a real code-server. Completion, hover,
  // diagnostics and commands answer from here on; the first coverage scan runs in the background.
  lens.log.info(`Activated with ${lens.index.versionLabel} (${lens.indexSource}) in ${Date.now() - started} ms`);
  const ready = features.ready().then(() => lens.log.info(`First coverage scan done ${Date.now() - started} ms after activation`));
  // The coverage and priority members are undefined only when that feature failed to start (logged and shown).
  return { lens, ready, rules: coverage?.store, coverageTree: coverage?.tree, priorityGaps: priorities?.tree, threatProfile: priorities?.state, diagnostics: diagnostics?.feature };
}

/** A source of ATT&CK data that could not be used (or was used without some objects): logged, recorded, shown once. */
function reportDataProblem(lens: LensContext, p: DataProblem): void {
  recordAttackDataEvent('activation', p.warning ? 'loaded' : 'failed', p.message);
  if (p.warning) {
    lens.log.warn(p.message);
    void vscode.window.showWarningMessage(noticeText(p.message));
    return;
  }
  lens.log.error(p.stack ? `${p.message}\n${p.stack}` : p.message);
  void vscode.window.showErrorMessage(noticeText(p.message), 'Open Settings').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', 'attackLens.stixBundles');
  });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
