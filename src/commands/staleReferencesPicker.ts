import * as vscode from 'vscode';
import { noticeText, pickText } from '../outsideText';
import type { StaleCategory } from '../checks/staleReferences';
import { LensContext } from '../context';
import type { StaleItem } from './checkRulesAgainstAttack';

// The picker of "Check rules against ATT&CK data": a "Fix all" row, then the stale references
// grouped by what happened to them. Enter opens the rule at the reference; the wrench button
// applies that item's fix; after any fix the workspace is checked again and the list refreshed.

export interface PickerActions {
  readonly rescan: () => Promise<StaleItem[]>;
  readonly fixAll: () => Promise<{ references: number; files: number }>;
  readonly fixItem: (item: StaleItem, fixTitle?: string) => Promise<boolean>;
}

const HEADINGS: Record<StaleCategory, string> = {
  revoked: 'Revoked by MITRE',
  deprecated: 'Deprecated',
  unknown: 'Not in the loaded ATT&CK data',
  renamed: 'Name differs from ATT&CK',
};

const ICONS: Record<StaleCategory, string> = { revoked: '$(history)', deprecated: '$(trash)', unknown: '$(question)', renamed: '$(symbol-text)' };

type Row = (vscode.QuickPickItem & { readonly item?: StaleItem; readonly action?: 'fixAll' }) | vscode.QuickPickItem;

const FIX_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('wrench'), tooltip: 'Apply the fix' };
const OPEN_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Open the rule at this reference' };

function rows(items: readonly StaleItem[]): Row[] {
  const out: Row[] = [];
  const fixable = items.filter((i) => i.fix);
  if (fixable.length) {
    const files = new Set(fixable.map((i) => i.uri)).size;
    out.push({
      label: `$(wrench) Fix all: ${fixable.length} reference${fixable.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`,
      detail: 'Applies each reference’s obvious fix (revoked → replacement, ATT&CK’s current names); one edit per file, saved.',
      action: 'fixAll',
      alwaysShow: true,
    });
  }
  for (const category of ['revoked', 'deprecated', 'unknown', 'renamed'] as const) {
    const group = items.filter((i) => i.category === category);
    if (!group.length) continue;
    out.push({ label: `${HEADINGS[category]} (${group.length})`, kind: vscode.QuickPickItemKind.Separator });
    for (const item of group) {
      const fix = item.fix ?? item.fixes[0];
      out.push({
        item,
        label: `${ICONS[category]} ${pickText(item.text || item.code)}`,
        description: pickText(`${item.path}:${item.line}`),
        detail: fix ? `$(arrow-right) ${pickText(`${fix} · ${item.message}`)}` : pickText(`${item.message} (no replacement to offer)`),
        buttons: fix ? [FIX_BUTTON, OPEN_BUTTON] : [OPEN_BUTTON],
      });
    }
  }
  return out;
}

async function open(item: StaleItem): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(item.uri));
  const at = new vscode.Position(item.line - 1, item.character);
  await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at.translate(0, item.text.length)), preview: true });
}

function title(lens: LensContext, items: readonly StaleItem[]): string {
  const files = new Set(items.map((i) => i.uri)).size;
  return `Rules against ${lens.index.versionLabel}: ${items.length} stale reference${items.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'}`;
}

/** Shows the picker; resolves when it closes. */
export function showStaleReferencesPicker(lens: LensContext, initial: readonly StaleItem[], actions: PickerActions): Promise<void> {
  const pick = vscode.window.createQuickPick<Row>();
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.placeholder = 'Enter opens the rule; the wrench applies the fix; filter by ID, file or message';
  const show = (items: readonly StaleItem[]) => {
    pick.title = title(lens, items);
    pick.items = rows(items);
  };
  show(initial);
  const busy = async (work: () => Promise<string | undefined>) => {
    pick.busy = true;
    pick.enabled = false;
    try {
      const message = await work();
      const left = await actions.rescan();
      if (message) void vscode.window.showInformationMessage(noticeText(message));
      if (!left.length) {
        void vscode.window.showInformationMessage(noticeText(`All ATT&CK references in the workspace are current in ${lens.index.versionLabel}.`));
        pick.hide();
        return;
      }
      show(left);
    } catch (e) {
      lens.log.error(`Check rules: ${(e as Error)?.stack ?? String(e)}`);
      void vscode.window.showErrorMessage(noticeText(`ATT&CK Lens: ${(e as Error)?.message ?? String(e)}`));
    } finally {
      pick.busy = false;
      pick.enabled = true;
    }
  };
  return new Promise((resolve) => {
    pick.onDidAccept(() => {
      const row = pick.activeItems[0];
      if (!row) return;
      if ('action' in row && row.action === 'fixAll') {
        void busy(async () => {
          const done = await actions.fixAll();
          return `Fixed ${done.references} reference${done.references === 1 ? '' : 's'} in ${done.files} file${done.files === 1 ? '' : 's'}.`;
        });
      } else if ('item' in row && row.item) {
        pick.hide();
        void open(row.item);
      }
    });
    pick.onDidTriggerItemButton((e) => {
      const item = 'item' in e.item ? e.item.item : undefined;
      if (!item) return;
      if (e.button === OPEN_BUTTON) {
        pick.hide();
        void open(item);
        return;
      }
      void busy(async () => ((await actions.fixItem(item, item.fix ?? item.fixes[0])) ? undefined : `Could not fix ${item.text} in ${item.path}: the file changed; checked again.`));
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve();
    });
    pick.show();
  });
}
