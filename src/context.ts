import * as vscode from 'vscode';
import { AttackIndex } from './attack/index';
import { AttackSearch } from './attack/search';
import { Config } from './config';
import { AttackDataEventLog } from './data/attackDataEvents';
import { RuleParsing } from './workspace/ruleParsing';

/**
 * The long-lived state every feature shares: the ATT&CK index (and its search), what happened to
 * the data since activation, the typed configuration, the log, and the one rule-parsing service
 * (with its cache of open documents). One object owns it; features receive it and subscribe to
 * changes.
 */
export class LensContext implements vscode.Disposable {
  /** How rules are parsed, and the parse of each open document per version (src/workspace/ruleParsing.ts). */
  readonly parsing = new RuleParsing(this);
  readonly log: vscode.LogOutputChannel;
  readonly dataEvents = new AttackDataEventLog();
  private readonly indexChanged = new vscode.EventEmitter<AttackIndex>();
  /** Fires after new ATT&CK data replaced the old (update command, settings change). */
  readonly onDidChangeIndex = this.indexChanged.event;
  private current: AttackIndex;
  private currentSearch?: AttackSearch;
  private source: string;

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly config: Config,
    index: AttackIndex,
    source: string,
  ) {
    this.current = index;
    this.source = source;
    this.log = vscode.window.createOutputChannel('ATT&CK Lens', { log: true });
  }

  get index(): AttackIndex {
    return this.current;
  }

  /** Fuzzy search over the current index; its Fuse index is built on first use. */
  get search(): AttackSearch {
    return (this.currentSearch ??= new AttackSearch(this.current));
  }

  /** Where the current data came from: "built-in", a settings path, or the downloaded cache. */
  get indexSource(): string {
    return this.source;
  }

  setIndex(index: AttackIndex, source: string): void {
    this.current = index;
    this.currentSearch = undefined;
    this.source = source;
    this.log.info(`Loaded ${describeIndex(index)} from ${source}`);
    this.indexChanged.fire(index);
  }

  dispose(): void {
    this.parsing.dispose();
    this.indexChanged.dispose();
    this.log.dispose();
  }
}

export function describeIndex(index: AttackIndex): string {
  return index.domains.map((d) => `${d.name} ${d.version}`).join(', ');
}
