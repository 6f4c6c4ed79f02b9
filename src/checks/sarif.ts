import { createHash } from 'crypto';
import { Span } from '../rules/types';
import { Finding, FINDING_CODES, FindingCode, FindingSeverity, Fix } from './findings';

// The findings of `attack-lens check` as SARIF 2.1.0 (OASIS), the format GitHub code scanning and
// GitLab read: one run, a rule per finding code, a result per finding with its fixes as
// replacements. Positions are 1-based lines and UTF-16 columns (`columnKind`), as the core's are.

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export interface SarifTool {
  readonly version: string;
  readonly informationUri: string;
  /** Where the finding codes are explained (the README section). */
  readonly helpUri: string;
}

export interface SarifFile {
  /** Relative to the working directory, `/`-separated (`uriBaseId` %SRCROOT%); or an absolute file: URI for a file outside it. */
  readonly uri: string;
  readonly relative: boolean;
  readonly text: string;
  readonly findings: readonly { readonly finding: Finding; readonly severity: FindingSeverity }[];
}

type Level = 'error' | 'warning' | 'note';

function level(s: FindingSeverity): Level {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function region(span: Span) {
  return { startLine: span.start.line + 1, startColumn: span.start.character + 1, endLine: span.end.line + 1, endColumn: span.end.character + 1 };
}

/** `enabled` is false for codes the settings turn off. */
export function sarifLog(tool: SarifTool, files: readonly SarifFile[], srcRoot: string, enabled: (code: FindingCode) => boolean = () => true): object {
  const codes = Object.keys(FINDING_CODES) as FindingCode[];
  const rules = codes.map((code) => ({
    id: code,
    name: code.replace(/^attack-lens\//, ''),
    shortDescription: { text: FINDING_CODES[code].meaning },
    helpUri: tool.helpUri,
    defaultConfiguration: { level: level(FINDING_CODES[code].severity), enabled: enabled(code) },
  }));
  const results = [];
  for (const file of files) {
    const artifactLocation = file.relative ? { uri: file.uri, uriBaseId: '%SRCROOT%' } : { uri: file.uri };
    const fingerprints = new Fingerprints(file);
    for (const { finding, severity } of file.findings) {
      const fixes = finding.fixes.filter((f) => f.edits.length > 0).map((f) => sarifFix(f, artifactLocation));
      results.push({
        ruleId: finding.code,
        ruleIndex: codes.indexOf(finding.code),
        level: level(severity),
        message: { text: finding.message },
        locations: [{ physicalLocation: { artifactLocation, region: region(finding.span) } }],
        partialFingerprints: { 'attackLensFinding/v1': fingerprints.of(finding) },
        ...(fixes.length ? { fixes } : {}),
      });
    }
  }
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'attack-lens', version: tool.version, semanticVersion: tool.version, informationUri: tool.informationUri, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: srcRoot.endsWith('/') ? srcRoot : srcRoot + '/' } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

function sarifFix(fix: Fix, artifactLocation: object) {
  return {
    description: { text: fix.title },
    artifactChanges: [{ artifactLocation, replacements: fix.edits.map((e) => ({ deletedRegion: region(e.span), insertedContent: { text: e.newText } })) }],
  };
}

/**
 * Stable across runs and across edits elsewhere in the file: the code, the file and the text of the
 * finding's line (not its number), and which occurrence of that pair it is.
 */
class Fingerprints {
  private readonly lines: string[];
  private readonly seen = new Map<string, number>();

  constructor(private readonly file: SarifFile) {
    this.lines = file.text.split('\n');
  }

  of(f: Finding): string {
    const key = `${f.code}\0${this.file.uri}\0${(this.lines[f.span.start.line] ?? '').trim()}\0${f.message}`;
    const n = this.seen.get(key) ?? 0;
    this.seen.set(key, n + 1);
    return createHash('sha256').update(`${key}\0${n}`).digest('hex').slice(0, 32);
  }
}
