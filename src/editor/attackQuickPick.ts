import * as vscode from 'vscode';
import { pickText } from '../outsideText';
import { AttackIndex } from '../attack/index';
import { AttackEntry } from '../attack/types';
import { LensContext } from '../context';

// A QuickPick over the whole ATT&CK index, searched fuzzily as the user types (lens.search):
// items show ID, name, kind and tactics. Shared by Search ATT&CK and Open technique.

interface EntryItem extends vscode.QuickPickItem {
  readonly entry: AttackEntry;
}

const SEARCH_LIMIT = 60;

function entryItem(index: AttackIndex, e: AttackEntry): EntryItem {
  const kind = e.kind === 'technique' ? (e.isSubtechnique ? 'sub-technique' : 'technique') : e.kind;
  const parent = e.kind === 'technique' && e.parent ? index.get(e.parent) : undefined;
  const tactics = e.kind === 'technique' ? e.tactics.map((s) => index.tactic(s, e.domain)?.name ?? s).join(', ') : '';
  const aliases = 'aliases' in e ? e.aliases.filter((a) => a !== e.name).slice(0, 6).join(', ') : '';
  return {
    entry: e,
    label: pickText(`${e.id}  ${parent ? `${parent.name}: ` : ''}${e.name}`),
    description: kind,
    detail: pickText([tactics, aliases].filter(Boolean).join(' · ')) || undefined,
    alwaysShow: true,
  };
}

/** Entries to show before anything is typed: the tactics of the primary domain, in matrix order. */
function initialItems(index: AttackIndex): EntryItem[] {
  return index.tactics().map((t) => entryItem(index, t));
}

/** Asks for an ATT&CK entry; undefined when the user dismisses the picker. */
export function pickAttackEntry(lens: LensContext, title: string, initialValue = ''): Promise<AttackEntry | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<EntryItem>();
    pick.title = title;
    pick.placeholder = 'Type an ID (T1059.001, G0016), a name or an alias (powershell, cozy bear)';
    pick.matchOnDescription = false;
    pick.matchOnDetail = false;
    const update = (value: string) => {
      try {
        pick.items = value.trim() ? lens.search.search(value, { limit: SEARCH_LIMIT }).map((h) => entryItem(lens.index, h.entry)) : initialItems(lens.index);
      } catch (e) {
        lens.log.error(`ATT&CK search failed: ${(e as Error)?.stack ?? String(e)}`);
        pick.items = [];
      }
    };
    let done = false;
    const finish = (e: AttackEntry | undefined) => {
      if (done) return;
      done = true;
      resolve(e);
      pick.dispose();
    };
    pick.onDidChangeValue(update);
    pick.onDidAccept(() => finish(pick.selectedItems[0]?.entry ?? pick.activeItems[0]?.entry));
    pick.onDidHide(() => finish(undefined));
    pick.value = initialValue;
    update(initialValue);
    pick.show();
  });
}

/** An ID passed to a command (`'T1059.001'`, `{ id: 'T1059.001' }`, a tree item with an id), resolved in the index. */
export function entryFromArgument(index: AttackIndex, arg: unknown): AttackEntry | undefined {
  const text = typeof arg === 'string' ? arg : typeof arg === 'object' && arg && 'id' in arg && typeof (arg as { id: unknown }).id === 'string' ? (arg as { id: string }).id : undefined;
  return text ? index.get(text) : undefined;
}
