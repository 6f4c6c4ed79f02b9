import * as vscode from 'vscode';
import { AttackIndex } from '../attack/index';
import { Finding } from '../checks/findings';
import { checkRuleFile } from '../checks/referenceChecks';
import { LensContext } from '../context';
import { DocumentFormats } from '../editor/documentSelector';
import { textOverLimit, TOO_LARGE } from '../rules/fileSize';
import { parseTreated, Treatment } from '../rules/treatment';
import { ParsedRuleFile, RuleFormat, RuleProblem, span } from '../rules/types';
import { ParseWorker } from './parseOffThread';

// The one way the extension parses a rule: which treatment (attackLens.files, or the document's
// language), which ID pattern (attackLens.generic.idPattern), which root (the folder above the
// file's workspace folder) and which size limit. Open documents are parsed once per version,
// and the parse (and its findings) is shared by completion, hover, links, diagnostics, code
// actions and the commands; workspace files on disk are parsed for the RuleStore, which owns
// those results. Paths are URI strings (ParsedRuleFile.path).

/** An open document as the editor features see it. */
export interface ParsedDocument {
  readonly format: RuleFormat;
  readonly parsed: ParsedRuleFile;
  readonly text: string;
}

interface Entry {
  readonly version: number;
  /** attackLens.files or the language can change a document's format without changing the document. */
  readonly format: RuleFormat;
  readonly index: AttackIndex;
  readonly pattern: string;
  /** Undefined when the parse failed (a bug, logged); a document over the size limit has no rules and one problem. */
  readonly document?: ParsedDocument;
  findings?: readonly Finding[];
}

/** Parses a workspace file's text under its treatment. */
export type FileParser = (text: string, uri: vscode.Uri, treatment: Treatment) => ParsedRuleFile;
/** A FileParser that may answer later: large files are parsed on the worker thread. */
export type ScanParser = (text: string, uri: vscode.Uri, treatment: Treatment) => ParsedRuleFile | Promise<ParsedRuleFile>;

export class RuleParsing implements vscode.Disposable {
  private readonly documents = new Map<string, Entry>();
  private readonly formats = new DocumentFormats();
  private readonly closing: vscode.Disposable;
  private worker?: ParseWorker;
  /** How many times an open document was parsed (the bench's parses per edit). */
  documentParses = 0;

  constructor(private readonly lens: LensContext) {
    this.closing = vscode.workspace.onDidCloseTextDocument((d) => this.documents.delete(d.uri.toString()));
  }

  /** The document's format for the editor features, or undefined when it gets none (no size limit: completion reads lines). */
  formatOf(document: vscode.TextDocument): RuleFormat | undefined {
    return this.formats.formatOf(document, this.lens.config);
  }

  /** The document parsed at its current version, or undefined when it gets no ATT&CK features. Never throws. */
  document(document: vscode.TextDocument): ParsedDocument | undefined {
    return this.entry(document)?.document;
  }

  /** The ATT&CK findings of the document at its current version (diagnostics and code actions must agree on them). Never throws. */
  findings(document: vscode.TextDocument): readonly Finding[] | undefined {
    const entry = this.entry(document);
    if (!entry?.document) return undefined;
    if (!entry.findings) {
      try {
        entry.findings = checkRuleFile(entry.document.parsed, entry.document.text, entry.index);
      } catch (e) {
        this.lens.log.error(`ATT&CK checks failed for ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
        entry.findings = [];
      }
    }
    return entry.findings;
  }

  /**
   * The document parsed as the workspace file it is, under its `attackLens.files` treatment (the
   * commands that sweep the workspace): the editor's parse, except that an `auto` file no
   * detector claims names nothing there, as in the RuleStore (the editor reads its bare IDs).
   */
  workspaceDocument(document: vscode.TextDocument, treatment: Treatment): ParsedDocument | undefined {
    const d = this.document(document);
    if (!d || treatment !== 'auto' || d.format !== 'generic') return d;
    return { format: 'generic', parsed: { path: d.parsed.path, format: 'generic', rules: [], problems: [] }, text: d.text };
  }

  /**
   * A parser for workspace files under the settings as they are now: the ID pattern and the
   * index are read once, not per file (a scan parses thousands).
   */
  fileParser(): FileParser {
    const index = this.lens.index;
    const genericPattern = this.lens.config.genericIdRegExp;
    return (text, uri, treatment) => parseTreated(text, uri.toString(), index, { treatment, genericPattern, root: folderParent(uri) });
  }

  /** How many files the worker thread has parsed (tests). */
  get offThreadParses(): number {
    return this.worker?.parsedCount ?? 0;
  }

  /**
   * fileParser for the coverage scan: a large file is parsed on the worker thread (the scan goes
   * on meanwhile), the rest here; if the worker fails, here too.
   */
  scanParser(): ScanParser {
    const parse = this.fileParser();
    const index = this.lens.index;
    const pattern = this.lens.config.genericIdRegExp;
    const genericPattern = pattern && { source: pattern.source, flags: pattern.flags };
    const worker = (this.worker ??= new ParseWorker(vscode.Uri.joinPath(this.lens.extension.extensionUri, 'dist', 'parseWorker.js').fsPath, this.lens.log));
    return (text, uri, treatment) => {
      if (!worker.wants(text)) return parse(text, uri, treatment);
      return worker.parse(index, { text, path: uri.toString(), treatment, genericPattern, root: folderParent(uri) }).catch(() => parse(text, uri, treatment));
    };
  }

  private entry(document: vscode.TextDocument): Entry | undefined {
    const key = document.uri.toString();
    let format: RuleFormat | undefined;
    try {
      format = this.formats.formatOf(document, this.lens.config);
    } catch (e) {
      this.lens.log.error(`ATT&CK Lens could not tell the format of ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
    }
    if (!format) {
      this.documents.delete(key);
      return undefined;
    }
    const index = this.lens.index;
    const pattern = this.lens.config.genericIdPattern;
    const hit = this.documents.get(key);
    if (hit && hit.version === document.version && hit.format === format && hit.index === index && hit.pattern === pattern) return hit;
    const entry: Entry = { version: document.version, format, index, pattern, document: this.parse(document, format, index) };
    this.documents.set(key, entry);
    return entry;
  }

  private parse(document: vscode.TextDocument, format: RuleFormat, index: AttackIndex): ParsedDocument | undefined {
    const text = document.getText();
    // Not read, and said so once at the top (the scan lists such a file under Skipped files).
    if (textOverLimit(text)) return { format, parsed: { path: document.uri.toString(), format, rules: [], problems: [tooLargeProblem(document)] }, text };
    this.documentParses++;
    try {
      const parsed = parseTreated(text, document.uri.toString(), index, { treatment: format, genericPattern: this.lens.config.genericIdRegExp, root: folderParent(document.uri) });
      return { format, parsed, text };
    } catch (e) {
      this.lens.log.error(`ATT&CK references could not be read for ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
      return undefined;
    }
  }

  dispose(): void {
    this.worker?.dispose();
    this.closing.dispose();
    this.documents.clear();
  }
}

/** The URI string of the folder above the file's workspace folder: folder names above the workspace do not make rules deprecated. */
function folderParent(uri: vscode.Uri): string | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri.toString();
  return folder ? folder.replace(/\/+$/, '').replace(/[^/]*$/, '') : undefined;
}

function tooLargeProblem(document: vscode.TextDocument): RuleProblem {
  const first = document.lineAt(0).text.length;
  return { message: `This file is ${TOO_LARGE}: ATT&CK Lens does not read it for ATT&CK references (the coverage scan skips it too)`, severity: 'warning', span: span(0, 0, 0, Math.min(first, 200)), limit: true };
}
