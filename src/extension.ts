import * as vscode from 'vscode';
import { LensContext } from './context';
import { AttackIndex } from './attack/index';
import { DataProblem, LoadedData, loadAttackData } from './data/loadAttackData';
import { GuardedRegistration } from './guardedRegistration';
import { Config } from './config';
import { vscodeConfigSource } from './configSource';
import { registerRestrictedModeNotice } from './restrictedMode';
import { noticeText } from './outsideText';
import { registerStatusBar } from './views/statusBar';
import { registerAttackDataSettingsWatcher } from './data/watchAttackDataSettings';
import { registerVersionSuggestion } from './data/versionSuggestion';
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
import type { WorkspaceWelcome } from './views/workspaceWelcome';
import { registerPriorityGaps } from './views/priorityGapsFeature';
import type { PriorityGapsProvider } from './views/priorityGapsTree';
import { ThreatProfileState } from './state/threatProfile';
import { MatrixPanels } from './views/matrixPanel';
import { registerChooseThreatProfileCommand } from './commands/chooseThreatProfile';
import { registerClearThreatProfileCommand } from './commands/clearThreatProfile';
import { registerCheckRulesAgainstAttack } from './commands/checkRulesAgainstAttack';
import { registerRefreshCoverageCommand } from './commands/refreshCoverage';
import { registerCancelCoverageScanCommand } from './commands/cancelCoverageScan';
import { registerFilterCoverageCommand } from './commands/filterCoverage';
import { registerToggleGapsOnlyCommand } from './commands/toggleGapsOnly';
import { registerToggleCoverageSortCommand } from './commands/toggleCoverageSort';
import { registerExportNavigatorLayerCommand } from './commands/exportNavigatorLayer';
import { registerExportReportCommand } from './commands/exportReport';
import { registerExportFolderLayerCommand } from './commands/exportFolderLayer';
import { registerShowFolderCoverageCommands } from './commands/showFolderCoverage';
import { registerOpenSampleRuleCommand } from './commands/openSampleRule';
import { registerOpenCiWorkflowCommand } from './commands/openCiWorkflow';
import { registerCreateRuleForGapCommand } from './commands/createRuleForGap';
import { registerImportBaselineLayerCommand } from './commands/importBaselineLayer';
import { registerClearBaselineLayerCommand } from './commands/clearBaselineLayer';
import { TelemetryProfileState } from './state/telemetryProfile';
import { TelemetryMappingsState } from './state/telemetryMappings';
import { registerChooseTelemetryCommand } from './commands/chooseTelemetry';
import { workspaceRulesRead } from './workspace/ruleTelemetryLookup';
import { registerFilterCoverageByTelemetryCommand } from './commands/filterCoverageByTelemetry';
import { registerShowNewerThanDataCommand } from './commands/showNewerThanData';
import { NewerThanDataNotice, registerNewerThanDataNotice } from './views/newerThanDataNotice';

// activate() only wires: it loads the ATT&CK data once into the shared LensContext and
// registers each feature, pushing every disposable. Features live in their own files; views and
// commands never import each other, so what a command needs from a view (the store, the tree,
// the threat-profile state) is handed to it here.
// Bad data falls back to the next source, and a feature that throws is logged and named in one
// error while the others register. Anything else that fails during activation is logged and
// shown with a way to the log, then rethrown so VS Code (and a caller of activate) hears of it.

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
  /** The telemetry profile (attackLens.telemetry) as read against the loaded ATT&CK data. */
  readonly telemetry?: TelemetryProfileState;
  /** When each open document's ATT&CK diagnostics were last published. */
  readonly diagnostics?: DiagnosticsFeature;
  /** The workspace's notice of references newer than the loaded ATT&CK data. */
  readonly newerThanData?: NewerThanDataNotice['state'];
  /** Which welcome content the Coverage and Priority gaps views show (the context key attackLens.welcome). */
  readonly welcome?: WorkspaceWelcome;
}

export async function activate(context: vscode.ExtensionContext): Promise<AttackLensApi> {
  try {
    return await start(context);
  } catch (e) {
    reportActivationFailure(e);
    throw e;
  }
}

async function start(context: vscode.ExtensionContext): Promise<AttackLensApi> {
  const started = Date.now();
  const problems: DataProblem[] = [];
  const config = new Config(vscodeConfigSource());
  let loaded: LoadedData;
  try {
    loaded = await loadAttackData(context.extensionUri, context.globalStorageUri, config.stixBundlePaths, (p) => problems.push(p), config.attackVersion);
  } catch (e) {
    // Only the shipped index is left to fail here: run without ATT&CK data rather than not at all.
    problems.push({ message: `ATT&CK Lens could not load its built-in ATT&CK data: ${(e as Error)?.message ?? String(e)}`, stack: (e as Error)?.stack });
    loaded = { index: new AttackIndex([]), source: 'no data (the built-in data could not be read)' };
  }
  const lens = new LensContext(context, config, loaded.index, loaded.source);
  context.subscriptions.push(lens);
  for (const p of problems) reportDataProblem(lens, p);

  const features = new GuardedRegistration(context.subscriptions, lens.log, (message) => {
    void vscode.window.showErrorMessage(message, 'Show Output').then((choice) => choice && lens.log.show());
  });
  const add = features.add.bind(features);

  // --- features (one line each) ---
  add('Restricted Mode notice', () => registerRestrictedModeNotice(lens));
  add('status bar', () => registerStatusBar(lens));
  add('ATT&CK data settings watcher', () => registerAttackDataSettingsWatcher(lens));
  add('Show loaded ATT&CK data', () => registerShowAttackInfoCommand(lens));
  add('Update ATT&CK data', () => registerUpdateAttackDataCommand(lens));
  const telemetry = add('telemetry profile', () => telemetryFeature(lens));
  const coverage = add('coverage view', () => registerCoverage(lens, telemetry));
  if (coverage) {
    const { store, tree } = coverage;
    add('Refresh coverage', () => registerRefreshCoverageCommand(store));
    add('Cancel the rule scan', () => registerCancelCoverageScanCommand(store));
    add('Filter coverage', () => registerFilterCoverageCommand(lens));
    add('Toggle gaps only', () => registerToggleGapsOnlyCommand(tree));
    add('Filter coverage by telemetry state', () => registerFilterCoverageByTelemetryCommand(tree));
    add('Sort coverage', () => registerToggleCoverageSortCommand(tree));
    add('Export Navigator layer', () => registerExportNavigatorLayerCommand(lens, store, coverage.telemetry));
    add('Export coverage report', () => registerExportReportCommand(store, coverage.telemetry));
    add('Show references newer than the data', () => registerShowNewerThanDataCommand(tree));
    add('Show coverage for this folder', () => registerShowFolderCoverageCommands(store, tree));
    add('Export layer for this folder', () => registerExportFolderLayerCommand(lens, store, coverage.telemetry));
  }
  const newer = coverage ? add('newer-than-data notice', () => registerNewerThanDataNotice(lens, coverage.store)) : undefined;
  const diagnostics = add('diagnostics', () => registerDiagnostics(lens, coverage?.store));
  add('code actions', () => registerCodeActions(lens));
  if (coverage) add('Fix all revoked', () => registerFixAllRevoked(lens, coverage.store));
  const state = coverage ? add('threat profile', () => threatProfileFeature(lens, coverage.store, telemetry?.state)) : undefined;
  if (coverage && state) add('coverage matrix', () => registerCoverageMatrix(coverage.store, new MatrixPanels(lens, coverage.store, state.state.matrixInputs, coverage.telemetry), state.state.matrixInputs, coverage.telemetry));
  add('completion', () => registerCompletion(lens));
  add('hover', () => registerHover(lens, telemetry));
  add('document links', () => registerDocumentLinks(lens));
  add('Search ATT&CK', () => registerSearchAttackCommand(lens));
  add('Open technique', () => registerOpenTechniqueCommand(lens));
  const priorities = coverage && state ? add('priority gaps view', () => registerPriorityGaps(lens, state.state, coverage.welcome)) : undefined;
  if (state) {
    add('Create rule for gap', () => registerCreateRuleForGapCommand(lens, state.state, telemetry?.mappings));
    add('Compare with a baseline layer', () => registerImportBaselineLayerCommand(state.state));
    add('Clear baseline layer', () => registerClearBaselineLayerCommand(state.state));
  }
  add('Choose threat profile', () => registerChooseThreatProfileCommand(lens));
  add('Clear threat profile', () => registerClearThreatProfileCommand(lens));
  if (telemetry) add('Choose telemetry', () => registerChooseTelemetryCommand(lens, telemetry.state, coverage && workspaceRulesRead(coverage.store, telemetry.mappings)));
  if (coverage) add('Check rules against ATT&CK', () => registerCheckRulesAgainstAttack(lens, coverage.store));
  if (coverage) add('ATT&CK version suggestion', () => registerVersionSuggestion(lens, coverage.store));
  add('Open a sample rule', () => registerOpenSampleRuleCommand(lens));
  add('Open the GitHub Actions workflow', () => registerOpenCiWorkflowCommand(lens));
  // --- end features ---
  features.reportFailures();

  // `npm run bench` reads these two lines from the log of a real code-server. Completion, hover,
  // diagnostics and commands answer from here on; the first coverage scan runs in the background.
  lens.log.info(`Activated with ${lens.index.versionLabel} (${lens.indexSource}) in ${Date.now() - started} ms`);
  const ready = features.ready().then(() => lens.log.info(`First coverage scan done ${Date.now() - started} ms after activation`));
  // The coverage and priority members are undefined only when that feature failed to start (logged and shown).
  return {
    lens,
    ready,
    rules: coverage?.store,
    coverageTree: coverage?.tree,
    priorityGaps: priorities?.tree,
    threatProfile: state?.state,
    telemetry: telemetry?.state,
    diagnostics: diagnostics?.feature,
    newerThanData: newer?.state,
    welcome: coverage?.welcome,
  };
}

/** The threat profile, baseline and atomics state the Priority gaps view, the matrix and their commands share; `ready` is the atomics index read. */
function threatProfileFeature(lens: LensContext, store: RuleStore, telemetry: TelemetryProfileState | undefined): { readonly disposable: vscode.Disposable; readonly ready: Promise<void>; readonly state: ThreatProfileState } {
  const state = new ThreatProfileState(lens, store, telemetry);
  return { disposable: state, ready: state.ready, state };
}

/** The telemetry profile and the mappings that say what each rule reads; `ready` is the mappings setting's file read. */
function telemetryFeature(lens: LensContext): { readonly disposable: vscode.Disposable; readonly ready: Promise<void>; readonly state: TelemetryProfileState; readonly mappings: TelemetryMappingsState } {
  const state = new TelemetryProfileState(lens);
  const mappings = new TelemetryMappingsState(lens);
  return { disposable: vscode.Disposable.from(state, mappings), ready: mappings.ready, state, mappings };
}

/** Activation itself failed (not one feature): the log says why, and the user gets a way to it. */
function reportActivationFailure(e: unknown): void {
  const log = vscode.window.createOutputChannel('ATT&CK Lens (activation)', { log: true });
  log.error(`ATT&CK Lens could not start: ${(e as Error)?.stack ?? String(e)}`);
  const message = noticeText(`ATT&CK Lens could not start: ${(e as Error)?.message ?? String(e)}`);
  void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => choice && log.show());
}

/** A source of ATT&CK data that could not be used (or was used without some objects): logged, recorded, shown once. */
function reportDataProblem(lens: LensContext, p: DataProblem): void {
  lens.dataEvents.record('activation', p.warning ? 'loaded' : 'failed', p.message);
  if (p.warning) {
    lens.log.warn(p.message);
    void vscode.window.showWarningMessage(noticeText(p.message));
    return;
  }
  lens.log.error(p.stack ? `${p.message}\n${p.stack}` : p.message);
  void vscode.window.showErrorMessage(noticeText(p.message), 'Open Settings').then((choice) => {
    if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', p.setting ?? 'attackLens.stixBundles');
  });
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
