import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import * as vscode from 'vscode';
import type { StartedApi } from '../../host/inHost';
import type { GapNode } from '../../../src/views/priorityGapsNodes';
import type { PriorityGapsProvider } from '../../../src/views/priorityGapsTree';
import { activateApi as activateExtension } from '../../host/inHost';

export const projectRoot = path.resolve(__dirname, '..', '..', '..', '..');
/** ../shared (ATTACK_LENS_SHARED overrides; the runner passes the environment through to the host). */
export const sharedRoot = process.env.ATTACK_LENS_SHARED || path.resolve(projectRoot, '..', 'shared');
export const atomicsCsv = path.join(sharedRoot, 'atomic-red-team', 'index.csv');

export { waitFor, workspaceUri } from '../../host/inHost';

export async function activateApi(): Promise<StartedApi> {
  const api = await activateExtension();
  assert.ok(api.priorityGaps, 'the API exposes the Priority gaps provider');
  return api;
}

export async function write(uri: vscode.Uri, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
}

const config = () => vscode.workspace.getConfiguration('attackLens');

/**
 * Sets a workspace setting and waits until the view has redrawn for it. A value equal to the one
 * set changes nothing, so nothing is awaited; otherwise a view that never redraws fails here.
 */
export async function setSetting(api: StartedApi, key: string, value: unknown, timeoutMs = 10_000): Promise<void> {
  if (isDeepStrictEqual(config().inspect(key)?.workspaceValue, value)) return;
  const changed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the Priority gaps state did not change within ${timeoutMs} ms of setting attackLens.${key}`));
    }, timeoutMs);
    const sub = api.threatProfile.onDidChange(() => {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
  });
  await config().update(key, value, vscode.ConfigurationTarget.Workspace);
  await changed;
  await api.threatProfile.ready;
}

export const gapNodes = (tree: PriorityGapsProvider): Extract<GapNode, { kind: 'gap' }>[] => tree.getChildren().filter((n): n is Extract<GapNode, { kind: 'gap' }> => n.kind === 'gap');
export const sectionNode = (tree: PriorityGapsProvider, section: string) => tree.getChildren().find((n): n is Extract<GapNode, { kind: 'section' }> => n.kind === 'section' && n.section === section);

export function label(tree: PriorityGapsProvider, node: GapNode): string {
  const l = tree.getTreeItem(node).label;
  return typeof l === 'string' ? l : (l?.label ?? '');
}

export const description = (tree: PriorityGapsProvider, node: GapNode) => String(tree.getTreeItem(node).description ?? '');

/** Rows of a CSV file (quoted fields with commas and doubled quotes), read here independently of src/coverage/atomics.ts. */
export function readCsv(file: string): string[][] {
  const rows: string[][] = [];
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    if (!line) continue;
    const fields: string[] = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        fields.push(cur);
        cur = '';
      } else cur += c;
    }
    fields.push(cur);
    rows.push(fields);
  }
  return rows;
}
