import * as vscode from 'vscode';
import { Finding, FINDING_CODES_README_ANCHOR } from '../checks/findings';
import { Severity } from '../config';
import { LensContext } from '../context';
import { toRange } from './documentPositions';
import { findingsToShow } from './findingsCap';
import { RuleStore } from '../workspace/ruleStore';
import { WorkspaceDiagnostics } from './workspaceDiagnostics';

// Live ATT&CK diagnostics for open rule documents: immediately on open, debounced while typing,
// again when the ATT&CK data or the settings change; on close, the store's findings for the file
// (attackLens.diagnostics.scope "workspace", src/editor/workspaceDiagnostics.ts) or none.

export const DIAGNOSTIC_SOURCE = 'ATT&CK Lens';
const DEBOUNCE_MS = 200;
const SCHEMES = new Set(['file', 'untitled', 'vscode-remote', 'vscode-vfs']);

const SEVERITY: Record<Exclude<Severity, 'off'>, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** Where a code is explained: the README's diagnostics table. */
function codeTarget(lens: LensContext): vscode.Uri {
  return vscode.Uri.joinPath(lens.extension.extensionUri, 'README.md').with({ fragment: FINDING_CODES_README_ANCHOR });
}

/** A file's findings as diagnostics under its severity settings, capped per file (findingsCap.ts). */
function diagnosticsOf(lens: LensContext, uri: vscode.Uri, findings: readonly Finding[]): vscode.Diagnostic[] {
  const settings = lens.config.for(uri);
  const { shown, total } = findingsToShow(findings, (code, fallback) => settings.severity(code, fallback));
  const target = codeTarget(lens);
  const out = shown.map(({ finding, severity }) => toDiagnostic(uri, finding, SEVERITY[severity], target));
  if (shown.length < total) {
    const more = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), `ATT&CK Lens shows ${shown.length.toLocaleString('en-US')} of this file's ${total.toLocaleString('en-US')} findings, the most severe first; ${(total - shown.length).toLocaleString('en-US')} more are not shown. Run "ATT&CK Lens: Check rules against ATT&CK data" for all of them.`, vscode.DiagnosticSeverity.Information);
    more.source = DIAGNOSTIC_SOURCE;
    out.push(more);
  }
  return out;
}

function toDiagnostic(uri: vscode.Uri, f: Finding, severity: vscode.DiagnosticSeverity, target: vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.span), f.message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.code, target };
  if (f.related?.length) d.relatedInformation = f.related.map((r) => new vscode.DiagnosticRelatedInformation(new vscode.Location(uri, toRange(r.span)), r.message));
  if (f.retired) d.tags = [vscode.DiagnosticTag.Deprecated];
  return d;
}

/** A document's diagnostics are published for this version (tests and other extensions wait on it). */
interface DiagnosticsSettled {
  readonly uri: vscode.Uri;
  readonly version: number;
}

export interface DiagnosticsFeature {
  readonly onDidSettle: vscode.Event<DiagnosticsSettled>;
  /** The last version of an open document whose diagnostics were published. */
  settledVersion(uri: vscode.Uri): number | undefined;
  /** Settles once the store's files reported so far have their diagnostics published (attackLens.diagnostics.scope "workspace"). */
  workspaceIdle(): Promise<void>;
}

export function registerDiagnostics(lens: LensContext, store?: RuleStore): { disposable: vscode.Disposable; ready: Promise<void>; feature: DiagnosticsFeature } {
  const collection = vscode.languages.createDiagnosticCollection('attack-lens');
  const isOpen = (uri: vscode.Uri) => vscode.workspace.textDocuments.some((d) => !d.isClosed && d.uri.toString() === uri.toString());
  const workspace = store
    ? new WorkspaceDiagnostics(lens, store, {
        isOpen,
        publish: (uri, findings) => {
          const ds = diagnosticsOf(lens, uri, findings);
          if (ds.length) collection.set(uri, ds);
          else collection.delete(uri);
          return ds.length;
        },
        clear: (uri) => collection.delete(uri),
      })
    : undefined;
  const settledEmitter = new vscode.EventEmitter<DiagnosticsSettled>();
  const settled = new Map<string, number>();
  const settle = (document: vscode.TextDocument) => {
    settled.set(document.uri.toString(), document.version);
    settledEmitter.fire({ uri: document.uri, version: document.version });
  };
  const pending = new Map<string, ReturnType<typeof setTimeout>>();

  const cancel = (key: string) => {
    const t = pending.get(key);
    if (t !== undefined) clearTimeout(t);
    pending.delete(key);
  };

  // A large document is parsed and checked on the worker thread: a later version's update may
  // answer first, and then this one publishes nothing.
  const update = async (document: vscode.TextDocument) => {
    cancel(document.uri.toString());
    if (document.isClosed || !SCHEMES.has(document.uri.scheme)) return;
    const version = document.version;
    try {
      const found = await lens.parsing.findingsOffThread(document);
      if (document.isClosed || document.version !== version) return;
      if (!found) {
        collection.delete(document.uri);
        settle(document);
        return;
      }
      workspace?.forget(document.uri);
      collection.set(document.uri, diagnosticsOf(lens, document.uri, found));
      settle(document);
    } catch (e) {
      lens.log.error(`ATT&CK diagnostics failed for ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
    }
  };

  const schedule = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    cancel(key);
    pending.set(key, setTimeout(() => void update(document), DEBOUNCE_MS));
  };

  // The parse and its findings are cached per document version, ATT&CK data and ID pattern.
  const updateAll = () => {
    for (const d of vscode.workspace.textDocuments) void update(d);
    void workspace?.publishAll();
  };

  const disposable = vscode.Disposable.from(
    collection,
    ...(workspace ? [workspace] : []),
    settledEmitter,
    vscode.workspace.onDidOpenTextDocument((d) => void update(d)),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      cancel(d.uri.toString());
      collection.delete(d.uri);
      settled.delete(d.uri.toString());
      workspace?.publishFile(d.uri);
    }),
    lens.onDidChangeIndex(updateAll),
    lens.config.onDidChange(updateAll),
    // A document's language, and with it its treatment, follows files.associations.
    lens.config.onDidChangeEditorSetting(['files.associations'], updateAll),
    { dispose: () => [...pending.keys()].forEach(cancel) },
  );
  updateAll();
  const feature: DiagnosticsFeature = { onDidSettle: settledEmitter.event, settledVersion: (uri) => settled.get(uri.toString()), workspaceIdle: async () => workspace?.idle() };
  return { disposable, ready: Promise.resolve(), feature };
}
