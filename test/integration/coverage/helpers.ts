import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { StartedApi } from '../../host/inHost';
import type { CoverageNode } from '../../../src/views/coverageNodes';
import type { CoverageTreeProvider } from '../../../src/views/coverageTree';
import type { RuleStore } from '../../../src/workspace/ruleStore';
import { activateApi as activateExtension } from '../../host/inHost';

export { EXTENSION_ID, waitFor, workspaceUri } from '../../host/inHost';

export interface CoverageApi extends StartedApi {
  readonly rules: RuleStore;
  readonly coverageTree: CoverageTreeProvider;
}

export async function activateApi(): Promise<CoverageApi> {
  const api = (await activateExtension()) as CoverageApi;
  assert.ok(api.rules, 'the API exposes the rule store');
  assert.ok(api.coverageTree, 'the API exposes the coverage tree');
  return api;
}


/** Resolves on the store's next onDidChange (after `action` ran), or rejects after the timeout. */
export function nextChange(store: RuleStore, action: () => Thenable<unknown> | void, timeoutMs = 15_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no coverage change within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = store.onDidChange(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
    Promise.resolve(action()).catch((e) => {
      clearTimeout(timer);
      sub.dispose();
      reject(e);
    });
  });
}

export async function write(uri: vscode.Uri, text: string | Uint8Array): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, typeof text === 'string' ? new TextEncoder().encode(text) : text);
}

/** A node's TreeItem label as text. */
export function label(tree: CoverageTreeProvider, node: CoverageNode): string {
  const l = tree.getTreeItem(node).label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

export function description(tree: CoverageTreeProvider, node: CoverageNode): string {
  return String(tree.getTreeItem(node).description ?? '');
}

/** The tactic root node with this shortname. */
export function tacticNode(tree: CoverageTreeProvider, shortname: string): CoverageNode {
  const node = tree.getChildren().find((n) => n.kind === 'tactic' && n.coverage.tactic.shortname === shortname);
  assert.ok(node, `tactic ${shortname} in the tree`);
  return node;
}

/** A technique node below a tactic (parents, then their sub-techniques), by ID. */
export function techniqueNode(tree: CoverageTreeProvider, shortname: string, id: string): CoverageNode | undefined {
  const parents = tree.getChildren(tacticNode(tree, shortname));
  const parent = parents.find((n) => n.kind === 'technique' && n.coverage.technique.id === id.split('.')[0]);
  if (!parent || !id.includes('.')) return parent;
  return tree.getChildren(parent).find((n) => n.kind === 'technique' && n.coverage.technique.id === id);
}

export function ruleChildren(tree: CoverageTreeProvider, node: CoverageNode): Extract<CoverageNode, { kind: 'rule' }>[] {
  return tree.getChildren(node).filter((n): n is Extract<CoverageNode, { kind: 'rule' }> => n.kind === 'rule');
}

/** Polls until `probe` is true (the watcher may report a rename as two events at different times). */

/** Runs `work` with a 5 ms ticker; returns the longest gap between ticks (the event loop blocked). */
export async function longestStall(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 5);
  try {
    await work();
    // Listeners (the tree rebuilding the model) run on the turn after the store reports.
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    clearInterval(ticker);
  }
  return Math.round(Math.max(worst, performance.now() - last));
}

/**
 * Checks a shown percentage against covered/total without repeating the code's formula: the
 * shown number, at whatever precision it is printed, is the nearest one to the exact share.
 */
export function assertPercentOf(shown: string, covered: number, total: number, what: string): void {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(shown);
  assert.ok(m, `${what}: ${shown} is a percentage`);
  const step = 10 ** -(m[2]?.length ?? 0);
  const exact = (covered / total) * 100;
  assert.ok(Math.abs(Number(shown) - exact) <= step / 2 + 1e-9, `${what}: ${shown}% is ${covered}/${total} = ${exact}% rounded to ${step}`);
}

/**
 * Milliseconds to stat and read every file through workspace.fs, 128 at a time (the scan's
 * batch): the batch's stats, then its reads, as the scan's reads go. The median of three runs.
 */
export async function readFloor(uris: readonly vscode.Uri[]): Promise<number> {
  const runs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t = performance.now();
    let bytes = 0;
    for (let i = 0; i < uris.length; i += 128) {
      const batch = uris.slice(i, i + 128);
      await Promise.all(batch.map((uri) => vscode.workspace.fs.stat(uri)));
      const contents = await Promise.all(batch.map((uri) => vscode.workspace.fs.readFile(uri)));
      bytes += contents.reduce((a, b) => a + b.byteLength, 0);
    }
    assert.ok(bytes > 0, 'the files were read');
    runs.push(performance.now() - t);
  }
  return Math.round(runs.sort((a, b) => a - b)[1]);
}

/** The YAML rule files below a folder, as paths relative to it. */
export function yamlFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => /\.ya?ml$/.test(f));
}

/** What `attack-lens coverage <dir> --format json` (the built CLI) counts: the extension's counts must equal it. */
export function cliCoverage(dir: string): { rules: number; techniques: Record<string, { rules: number; viaSubtechniques: number }> } {
  const cli = path.resolve(__dirname, '..', '..', '..', '..', 'dist', 'cli.js');
  return JSON.parse(execFileSync(process.execPath, [cli, 'coverage', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }));
}
