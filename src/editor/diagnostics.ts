import * as vscode from 'vscode';
import { Finding, FINDING_CODES_README_ANCHOR } from '../checks/findings';
import { Severity } from '../config';
import { LensContext } from '../context';
import { toRange } from './documentPositions';

// Live ATT&CK diagnostics for open rule documents: immediately on open, debounced while typing,
// again when the ATT&CK data or the settings change; cleared on close.

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

function toDiagnostic(lens: LensContext, uri: vscode.Uri, f: Finding): vscode.Diagnostic | undefined {
  const severity = lens.config.for(uri).severity(f.code, f.defaultSeverity);
  if (severity === 'off') return undefined;
  const d = new vscode.Diagnostic(toRange(f.span), f.message, SEVERITY[severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: f.code, target: codeTarget(lens) };
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
}

export function registerDiagnostics(lens: LensContext): { disposable: vscode.Disposable; ready: Promise<void>; feature: DiagnosticsFeature } {
  const collection = vscode.languages.createDiagnosticCollection('attack-lens');
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

  const update = (document: vscode.TextDocument) => {
    cancel(document.uri.toString());
    if (document.isClosed || !SCHEMES.has(document.uri.scheme)) return;
    try {
      const found = lens.parsing.findings(document);
      if (!found) {
        collection.delete(document.uri);
        settle(document);
        return;
      }
      const diagnostics: vscode.Diagnostic[] = [];
      for (const f of found) {
        const d = toDiagnostic(lens, document.uri, f);
        if (d) diagnostics.push(d);
      }
      collection.set(document.uri, diagnostics);
      settle(document);
    } catch (e) {
      lens.log.error(`ATT&CK diagnostics failed for ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
    }
  };

  const schedule = (document: vscode.TextDocument) => {
    const key = document.uri.toString();
    cancel(key);
    pending.set(key, setTimeout(() => update(document), DEBOUNCE_MS));
  };

  // The parse and its findings are cached per document version, ATT&CK data and ID pattern.
  const updateAll = () => {
    for (const d of vscode.workspace.textDocuments) update(d);
  };

  const disposable = vscode.Disposable.from(
    collection,
    settledEmitter,
    vscode.workspace.onDidOpenTextDocument(update),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length) schedule(e.document);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      cancel(d.uri.toString());
      collection.delete(d.uri);
      settled.delete(d.uri.toString());
    }),
    lens.onDidChangeIndex(updateAll),
    lens.config.onDidChange(updateAll),
    // A document's language, and with it its treatment, follows files.associations.
    lens.config.onDidChangeEditorSetting(['files.associations'], updateAll),
    { dispose: () => [...pending.keys()].forEach(cancel) },
  );
  updateAll();
  const feature: DiagnosticsFeature = { onDidSettle: settledEmitter.event, settledVersion: (uri) => settled.get(uri.toString()) };
  return { disposable, ready: Promise.resolve(), feature };
}
