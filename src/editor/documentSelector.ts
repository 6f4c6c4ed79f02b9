import * as vscode from 'vscode';
import { Config, FileTreatment, Settings } from '../config';
import { detectRuleFormat } from '../rules/index';
import { RuleFormat } from '../rules/types';
import { matchesPathOrAncestor } from '../core/glob';
import { DEFAULT_FILES, relativeToWorkspace, treatmentOf } from '../workspace/ruleFiles';

// Which open documents get ATT&CK editor features, and in which format. `attackLens.files`
// (glob → treatment) decides first, `off` wins; documents no glob selects fall back to their
// language: YAML/TOML are recognised by content, YARA-L is YARA-L, Markdown and plain text are
// searched for bare IDs. `auto` asks the parsers' content detection and caches it per version.

const YARAL_LANGUAGE = 'yaral';
const SCHEMES: readonly string[] = ['file', 'untitled', 'vscode-remote', 'vscode-vfs'];
const LANGUAGE_TREATMENT: Readonly<Record<string, Exclude<FileTreatment, 'off'>>> = {
  yaml: 'auto',
  toml: 'auto',
  [YARAL_LANGUAGE]: 'yaral',
  markdown: 'generic',
  plaintext: 'generic',
};
/** Content detection reads at most this much: a rule's identifying keys are near its top. */
const DETECT_CHARS = 256 * 1024;

/** The glob → treatment setting (for one folder, or the workspace), or the manifest's default when the user emptied it. */
function fileTreatments(settings: Settings): Readonly<Record<string, FileTreatment>> {
  const files = settings.files;
  return Object.keys(files).length ? files : DEFAULT_FILES;
}

/**
 * How a document is treated, before content detection: by glob on its workspace-relative path
 * (or its full path outside the workspace, so `**\/*.yml` still applies), else by language.
 * Undefined when it gets no ATT&CK features.
 */
function treatmentFor(document: vscode.TextDocument, config: Config): Exclude<FileTreatment, 'off'> | undefined {
  if (!SCHEMES.includes(document.uri.scheme)) return undefined;
  // The document's workspace folder's attackLens.files applies (multi-root workspaces).
  const files = fileTreatments(config.for(document.uri.scheme === 'untitled' ? undefined : document.uri));
  const rel = document.uri.scheme === 'untitled' ? undefined : (relativeToWorkspace(document.uri) ?? document.uri.path.replace(/^\/+/, ''));
  if (rel !== undefined) {
    if (Object.entries(files).some(([glob, t]) => t === 'off' && matchesPathOrAncestor(glob, rel))) return undefined;
    const byGlob = treatmentOf({ files, exclude: [] }, rel);
    if (byGlob) return byGlob;
  }
  return Object.hasOwn(LANGUAGE_TREATMENT, document.languageId) ? LANGUAGE_TREATMENT[document.languageId] : undefined;
}

/** The editor's rule format of each open document, with content detection cached per version (RuleParsing owns one). */
export class DocumentFormats {
  private readonly detected = new WeakMap<vscode.TextDocument, { readonly version: number; readonly format: RuleFormat }>();

  /**
   * The rule format of a document for the editor features (completion, hover, links, diagnostics),
   * or undefined when it gets none. `auto` documents whose content is no known rule format are
   * treated as `generic` (bare IDs), so an unrelated YAML file still gets hovers on T1059.
   */
  formatOf(document: vscode.TextDocument, config: Config): RuleFormat | undefined {
    const treatment = treatmentFor(document, config);
    if (treatment === undefined) return undefined;
    if (treatment !== 'auto') return treatment;
    const cached = this.detected.get(document);
    if (cached && cached.version === document.version) return cached.format;
    let format: RuleFormat;
    try {
      format = detectRuleFormat(document.getText().slice(0, DETECT_CHARS), document.uri.path) ?? 'generic';
    } catch {
      format = 'generic';
    }
    this.detected.set(document, { version: document.version, format });
    return format;
  }
}

/**
 * The selector editor providers register for: every language and glob that can get ATT&CK
 * features (the workspace's globs and each folder's); `DocumentFormats` then decides per document.
 * Rebuilt when `attackLens.files` changes.
 */
function attackDocumentSelector(config: Config): vscode.DocumentFilter[] {
  const globs = new Set<string>();
  for (const settings of [config, ...(vscode.workspace.workspaceFolders ?? []).map((f) => config.for(f.uri))]) {
    for (const [glob, treatment] of Object.entries(fileTreatments(settings))) if (treatment !== 'off') globs.add(glob);
  }
  const filters: vscode.DocumentFilter[] = [];
  for (const scheme of SCHEMES) {
    for (const language of Object.keys(LANGUAGE_TREATMENT)) filters.push({ scheme, language });
    for (const glob of globs) filters.push({ scheme, pattern: glob });
  }
  return filters;
}

/**
 * Registers a provider for ATT&CK documents and registers it again (with the new selector)
 * whenever `attackLens.files` changes.
 */
export function registerForAttackDocuments(config: Config, register: (selector: vscode.DocumentSelector) => vscode.Disposable): vscode.Disposable {
  let current = register(attackDocumentSelector(config));
  const reregister = () => {
    current.dispose();
    current = register(attackDocumentSelector(config));
  };
  const watchers = [
    config.onDidChange((affects) => {
      if (affects('files')) reregister();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(reregister),
  ];
  return new vscode.Disposable(() => {
    for (const w of watchers) w.dispose();
    current.dispose();
  });
}
