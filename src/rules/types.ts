// What a rule file says about ATT&CK: the rules in it and every ATT&CK reference with its
// position. Produced by the parsers in src/rules/, read by the editor features, the coverage
// model and the CLI. Positions are 0-based; `character` counts UTF-16 code units like VS Code.

import type { LogSourceUse } from '../coverage/telemetryTypes';

export type RuleFormat = 'sigma' | 'splunk' | 'elastic' | 'sentinel' | 'yaral' | 'generic';

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Span {
  readonly start: Position;
  readonly end: Position;
}

/** What a reference names: rule slots name the first six; prose (generic files) may name any kind of entry, such as DET0001 or DC0001. */
export type ReferenceKind = 'technique' | 'tactic' | 'group' | 'software' | 'campaign' | 'mitigation' | 'detection-strategy' | 'analytic' | 'data-component';

export interface AttackReference {
  /** The text exactly as written in the file: `attack.t1059.001`, `DefenseEvasion`, `PowerShell`. */
  readonly text: string;
  /** What the slot holds (a Sigma `attack.execution` tag is a tactic, `attack.g0016` a group). */
  readonly kind: ReferenceKind;
  /**
   * The canonical ATT&CK ID it names (`T1059.001`, `TA0002`, `G0016`), when the text is
   * ID-shaped or a name the index resolves; undefined when it cannot be resolved.
   */
  readonly id?: string;
  /** Where the text is. */
  readonly span: Span;
  /** The field it sits in, format-specific: `tags`, `tags.mitre_attack_id`, `relevantTechniques`, `threat.technique.id`, `meta.mitre_attack_technique`. */
  readonly field: string;
  /** Which rule of the file (multi-document YAML, several YARA-L rules) it belongs to. */
  readonly ruleIndex: number;
  /**
   * Set when the text is shaped like an ATT&CK reference but cannot be read as one (a trailing
   * dot, a zero-width character, a YAML alias): it counts for nothing and the checks report it.
   */
  readonly unreadable?: Unreadable;
  /**
   * Format context the checks need: the Elastic technique's sibling `name`/`reference`, the
   * tactic block it sits under, the parent technique of a sub-technique entry.
   */
  readonly context?: {
    readonly name?: { readonly text: string; readonly span: Span };
    readonly reference?: { readonly text: string; readonly span: Span };
    /** Elastic: the TA id of the enclosing `[rule.threat.tactic]`. */
    readonly tacticId?: string;
    /** Elastic: the id of the enclosing `[[rule.threat.technique]]` for a sub-technique. */
    readonly parentTechniqueId?: string;
  };
}

export interface Unreadable {
  /** Why, completing "cannot be read as an ATT&CK reference: …" (`it has a trailing "."`). */
  readonly reason: string;
  /** The reference as it was most likely meant, in the format's spelling, when a repair reads. */
  readonly repaired?: string;
  /** The repair involved no guess (invisible characters, full-width forms, a trailing dot). */
  readonly certain?: boolean;
}

export interface DetectionRule {
  readonly index: number;
  readonly id?: string;
  readonly title: string;
  readonly status?: string;
  /** Sigma `level`, Splunk/Elastic/Sentinel severity. */
  readonly level?: string;
  readonly deprecated: boolean;
  /** Where the rule starts (its title line, or the document start). */
  readonly span: Span;
  /** Platforms or log sources the format states (Sigma logsource product/service, Elastic index, Sentinel data connectors). */
  readonly platforms: readonly string[];
  readonly references: readonly AttackReference[];
  /**
   * The telemetry the rule reads, in its format's words (Sigma `category:process_creation`,
   * Splunk `Sysmon EventID 1`, Elastic `event.category:process`); src/coverage/telemetry.ts
   * maps them to ATT&CK data components. Absent for formats that state none (generic).
   */
  readonly reads?: readonly LogSourceUse[];
  /** How mature the rule is, in its format's words: Sigma `status` and `level`, Elastic `maturity`, Splunk `status`, Sentinel `status` and `enabled`. */
  readonly maturity?: readonly RuleMaturity[];
}

/** One maturity field of a rule as written: `{ field: 'status', value: 'stable' }`. */
export interface RuleMaturity {
  readonly field: string;
  readonly value: string;
}

/** A problem with the file a user can fix: broken YAML/TOML, a missing field. */
export interface RuleProblem {
  readonly message: string;
  readonly span: Span;
  readonly severity: 'error' | 'warning';
  /** The file went over a per-file cap (src/rules/limits.ts): it was read only in part. */
  readonly limit?: true;
}

export interface ParsedRuleFile {
  /**
   * Where the file is: in the extension always its URI string (`vscode.Uri.toString()`: the
   * RuleStore's files, open documents, the commands), turned back with `vscode.Uri.parse(path, true)`;
   * in the CLI its file-system path as walked.
   */
  readonly path: string;
  readonly format: RuleFormat;
  readonly rules: readonly DetectionRule[];
  readonly problems: readonly RuleProblem[];
}

export function span(startLine: number, startChar: number, endLine: number, endChar: number): Span {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}
