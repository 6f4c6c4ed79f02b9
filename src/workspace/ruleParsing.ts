import * as vscode from 'vscode';
import { AttackIndex } from '../attack/index';
import { Finding } from '../checks/findings';
import { checkRuleFile } from '../checks/referenceChecks';
import { LensContext } from '../context';
import { DocumentFormats } from '../editor/documentSelector';
import { textOverLimit, TOO_LARGE } from '../rules/fileSize';
import { parseTreated, Treatment } from '../rules/treatment';
import { ParsedRuleFile, RuleFormat, RuleProblem, span } from '../rules/types';
import { OffThreadParse, ParseWorker } from './parseOffThread';

// The one way the extension parses a rule: which treatment (attackLens.files, or the document's
// language), which ID pattern (attackLens.generic.idPattern), which root (the folder above the
// file's workspace folder) and which size limit. Open documents are parsed once per version,
// and the parse (and its findings) is shared by completion, hover, links, diagnostics, code
// actions and the commands; workspace files on disk are parsed for the RuleStore, which owns
// those results. Paths are URI strings (ParsedRuleFile.path). A large file (an open document or
// one the scan reads) is parsed and checked on the worker thread; the async getters answer for
// a large document without holding the host, the sync ones parse here when nothing is cached.

/** An open document as the editor features see it. */
export interface ParsedDocument {
  readonly format: RuleFormat;
  readonly parsed: ParsedRuleFile;
  readonly text: string;
}

/** What a document's parse depends on. */
interface EntryKey {
  readonly version: number;
  /** attackLens.files or the language can change a document's format without changing the document. */
  readonly format: RuleFormat;
  readonly index: AttackIndex;
  readonly pattern: string;
}

function sameKey(a: EntryKey, b: EntryKey): boolean {
  return a.version === b.version && a.format === b.format && a.index === b.index && a.pattern === b.pattern;
}

interface Entry extends EntryKey {
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
  /** Large documents being parsed on the worker thread, by URI string. */
  private readonly inFlight = new Map<string, { readonly key: EntryKey; readonly entry: Promise<Entry | undefined> }>();
  /** The findings the worker worked out with a workspace file's parse (without its text). */
  private readonly checkedOffThread = new WeakMap<ParsedRuleFile, { readonly index: AttackIndex; readonly findings: readonly Finding[] }>();
  /** How many times an open document was parsed (the bench's parses per edit). */
  documentParses = 0;

  constructor(private readonly lens: LensContext) {
    this.closing = vscode.workspace.onDidCloseTextDocument((d) => {
      this.documents.delete(d.uri.toString());
      this.inFlight.delete(d.uri.toString());
    });
  }

  /** The document's format for the editor features, or undefined when it gets none (no size limit: completion reads lines). */
  formatOf(document: vscode.TextDocument): RuleFormat | undefined {
    return this.formats.formatOf(document, this.lens.config);
  }

  /** The document parsed at its current version, or undefined when it gets no ATT&CK features. Never throws. */
  document(document: vscode.TextDocument): ParsedDocument | undefined {
    return this.entry(document)?.document;
  }

  /** document(), with a large document parsed on the worker thread (the host goes on meanwhile). Never rejects. */
  async documentOffThread(document: vscode.TextDocument): Promise<ParsedDocument | undefined> {
    return (await this.entryOffThread(document))?.document;
  }

  /**
   * What completion needs of the parse (the references named elsewhere in the rule): a small
   * document's parse now; for a large one, the last parse the worker gave, even of an earlier
   * version, and a parse of this version is asked for meanwhile (a keystroke must not wait for it).
   */
  documentForCompletion(document: vscode.TextDocument): ParsedDocument | undefined {
    const key = this.keyOf(document);
    if (!key) return undefined;
    const hit = this.cached(document, key);
    if (hit) return hit.document;
    // The length without building the text (a keystroke in a 1 MB file would copy it for nothing).
    const length = document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
    if (!this.offThread().wants(length, () => document.getText())) return this.document(document);
    void this.documentOffThread(document);
    return this.documents.get(document.uri.toString())?.document;
  }

  /** The ATT&CK findings of the document at its current version (diagnostics and code actions must agree on them). Never throws. */
  findings(document: vscode.TextDocument): readonly Finding[] | undefined {
    return this.findingsOf(document, this.entry(document));
  }

  /** findings(), with a large document parsed and checked on the worker thread. Never rejects. */
  async findingsOffThread(document: vscode.TextDocument): Promise<readonly Finding[] | undefined> {
    return this.findingsOf(document, await this.entryOffThread(document));
  }

  /** What the worker found in a workspace file the scan had it parse, if it was checked against this data. */
  findingsFromScan(file: ParsedRuleFile, index: AttackIndex): readonly Finding[] | undefined {
    const checked = this.checkedOffThread.get(file);
    return checked?.index === index ? checked.findings : undefined;
  }

  private findingsOf(document: vscode.TextDocument, entry: Entry | undefined): readonly Finding[] | undefined {
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
    const worker = this.offThread();
    return (text, uri, treatment) => {
      if (!worker.wants(text.length, () => text)) return parse(text, uri, treatment);
      return worker.parse(index, { text, path: uri.toString(), treatment, genericPattern, root: folderParent(uri), check: 'withoutText' }).then(
        ({ parsed, findings }) => {
          if (findings) this.checkedOffThread.set(parsed, { index, findings });
          return parsed;
        },
        () => parse(text, uri, treatment),
      );
    };
  }

  private offThread(): ParseWorker {
    return (this.worker ??= new ParseWorker(vscode.Uri.joinPath(this.lens.extension.extensionUri, 'dist', 'parseWorker.js').fsPath, this.lens.log));
  }

  /** The document's format and the settings its parse depends on, or undefined when it gets no ATT&CK features. */
  private keyOf(document: vscode.TextDocument): EntryKey | undefined {
    let format: RuleFormat | undefined;
    try {
      format = this.formats.formatOf(document, this.lens.config);
    } catch (e) {
      this.lens.log.error(`ATT&CK Lens could not tell the format of ${document.uri.toString(true)}: ${(e as Error)?.stack ?? String(e)}`);
    }
    if (!format) {
      this.documents.delete(document.uri.toString());
      return undefined;
    }
    return { version: document.version, format, index: this.lens.index, pattern: this.lens.config.genericIdPattern };
  }

  private cached(document: vscode.TextDocument, key: EntryKey): Entry | undefined {
    const hit = this.documents.get(document.uri.toString());
    return hit && sameKey(hit, key) ? hit : undefined;
  }

  private entry(document: vscode.TextDocument): Entry | undefined {
    const key = this.keyOf(document);
    if (!key) return undefined;
    const hit = this.cached(document, key);
    if (hit) return hit;
    const entry: Entry = { ...key, document: this.parse(document, key.format, key.index) };
    this.documents.set(document.uri.toString(), entry);
    return entry;
  }

  /**
   * entry(), a large document parsed and checked on the worker thread. One job per document at a
   * time: asked again for a newer version while one runs, it waits for that one and then parses
   * the text as it is by then, so fast typing in a 1 MB file queues one parse, not one per key.
   */
  private async entryOffThread(document: vscode.TextDocument): Promise<Entry | undefined> {
    const key = this.keyOf(document);
    if (!key) return undefined;
    const hit = this.cached(document, key);
    if (hit) return hit;
    const uri = document.uri.toString();
    const flying = this.inFlight.get(uri);
    if (flying && sameKey(flying.key, key)) return flying.entry;
    if (flying) {
      await flying.entry;
      return document.isClosed ? undefined : this.entryOffThread(document);
    }
    const text = document.getText();
    const worker = this.offThread();
    if (!worker.wants(text.length, () => text) || textOverLimit(text)) return this.entry(document);
    this.documentParses++;
    const pattern = this.lens.config.genericIdRegExp;
    const job = worker.parse(key.index, { text, path: uri, treatment: key.format, genericPattern: pattern && { source: pattern.source, flags: pattern.flags }, root: folderParent(document.uri), check: 'withText' });
    const entry = job.then(
      (done: OffThreadParse): Entry => ({ ...key, document: { format: key.format, parsed: done.parsed, text }, findings: done.findings }),
      () => undefined,
    ).then((done) => {
      if (this.inFlight.get(uri)?.entry === entry) this.inFlight.delete(uri);
      if (document.isClosed) return undefined;
      if (!done) return this.entry(document); // the worker failed: here, as before
      // Kept only while nothing it depends on has changed (a newer parse may be cached meanwhile).
      const now = this.keyOf(document);
      if (now && sameKey(now, key)) this.documents.set(uri, done);
      return done;
    });
    this.inFlight.set(uri, { key, entry });
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
    this.inFlight.clear();
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
