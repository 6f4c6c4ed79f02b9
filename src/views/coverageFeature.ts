import * as vscode from 'vscode';
import { LensContext } from '../context';
import { RuleStore } from '../workspace/ruleStore';
import { CoverageTreeProvider, registerCoverageTree } from './coverageTree';
import { WorkspaceWelcome } from './workspaceWelcome';
import { CoverageTelemetry } from '../state/coverageTelemetry';
import type { TelemetryProfileState } from '../state/telemetryProfile';
import type { TelemetryMappingsState } from '../state/telemetryMappings';
import { workspaceRuleTelemetry } from '../workspace/ruleTelemetryLookup';

// Workspace coverage, wired: the RuleStore (scan + watch) and the Coverage view; its commands
// register in extension.ts with the store and the tree. `ready` is the store's first scan;
// `store` and `tree` are handed to the extension's API. `welcome` decides when the views show
// their welcome content instead (no folder, first scan, no rule files).

export interface CoverageFeature {
  readonly disposable: vscode.Disposable;
  readonly ready: Promise<void>;
  readonly store: RuleStore;
  readonly tree: CoverageTreeProvider;
  /** The telemetry states of the coverage models (undefined when the telemetry profile feature did not start). */
  readonly telemetry?: CoverageTelemetry;
  readonly welcome: WorkspaceWelcome;
}

export function registerCoverage(lens: LensContext, telemetry?: { readonly state: TelemetryProfileState; readonly mappings: TelemetryMappingsState }): CoverageFeature {
  const store = new RuleStore(lens);
  const welcome = new WorkspaceWelcome(store);
  const coverageTelemetry = telemetry && new CoverageTelemetry(telemetry.state, telemetry.mappings, workspaceRuleTelemetry(store));
  const tree = registerCoverageTree(lens, store, welcome, coverageTelemetry);
  const disposable = vscode.Disposable.from(store, welcome, tree.disposable);
  return { disposable, ready: store.ready, store, tree: tree.provider, welcome, telemetry: coverageTelemetry };
}
