import * as vscode from 'vscode';
import { AttackIndex } from '../attack/index';
import { AttackSearch } from '../attack/search';
import { Actor } from '../attack/types';
import { pickText } from '../outsideText';
import { actorDetail, allActors, searchActors, TechniqueListReading, typedTechniqueList } from './threatProfileChoices';

// "Choose threat profile" as one picker: typing searches groups, campaigns and software at once
// (names and aliases), the current actors listed first and checked; a Navigator layer, a list of
// technique IDs (typed into the same box, or asked for) and clearing the profile are items of it.
// Enter takes what is checked, or, when nothing was checked here, the highlighted item.

/** What the user chose. */
export type ProfilePick =
  | { readonly kind: 'actors'; readonly actors: readonly Actor[] }
  | { readonly kind: 'layer' }
  | { readonly kind: 'ids'; readonly typed?: TechniqueListReading }
  | { readonly kind: 'clear' };

type Row = vscode.QuickPickItem & ({ readonly actor: Actor } | { readonly action: 'layer' | 'ids' | 'clear' } | { readonly separator: true });

export interface ProfilePickerOptions {
  readonly title: string;
  /** The current profile's actors (checked, listed first); empty for a layer or list profile. */
  readonly current: readonly string[];
  /** Whether there is a profile to clear. */
  readonly canClear: boolean;
  /** Search already typed (a link such as "add APT29 to the threat profile"). */
  readonly query?: string;
}

const SEARCH_LIMIT = 60;

function separator(label: string): Row {
  return { label, kind: vscode.QuickPickItemKind.Separator, separator: true };
}

export function pickThreatProfile(index: AttackIndex, search: AttackSearch, options: ProfilePickerOptions): Promise<ProfilePick | undefined> {
  const pick = vscode.window.createQuickPick<Row>();
  pick.canSelectMany = true;
  pick.title = options.title;
  pick.placeholder = 'Type a group, campaign or software name or alias (Cozy Bear, FIN7, Cobalt Strike), or technique IDs; Enter takes the checked or highlighted item';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const chosen = new Map<string, Actor>();
  for (const a of options.current) {
    const e = index.resolve(a);
    if (e && (e.kind === 'group' || e.kind === 'campaign' || e.kind === 'software')) chosen.set(e.id, e);
  }
  const actorRow = (a: Actor): Row => ({ actor: a, label: pickText(a.name), description: pickText(a.id), detail: pickText(actorDetail(a)), alwaysShow: true });
  const layerRow: Row = { action: 'layer', label: '$(file) Navigator layer…', detail: 'An ATT&CK Navigator 4.x layer file (a threat report, a red-team plan); weights are its scores' };
  const clearRow: Row = { action: 'clear', label: '$(close) Clear threat profile', detail: 'Rank gaps by prevalence (how many ATT&CK groups use each technique)' };
  let typed: TechniqueListReading | undefined;
  let rows: Row[] = [];
  let updating = false;
  /** Set once the user checks or unchecks a row: Enter then takes the checked rows, not the highlighted one. */
  let toggled = false;

  let shownFor: string | undefined;
  const update = (value: string) => {
    // Setting `pick.value` comes back as a change of it: the rows are not made again for the same
    // text, or the workbench's echo of the old rows' selection would read as the user's toggle.
    if (value === shownFor) return;
    shownFor = value;
    const query = value.trim();
    typed = query ? typedTechniqueList(index, query) : undefined;
    const idsRow: Row = typed
      ? { action: 'ids', label: `$(list-flat) Technique list: ${pickText(typed.ids.join(', '))}`, detail: `${typed.ids.length} technique${typed.ids.length === 1 ? '' : 's'}, weight 1 each`, alwaysShow: true }
      : { action: 'ids', label: '$(list-flat) Technique IDs…', detail: 'A plain list such as T1059.001, T1003, T1566 (or type it here)' };
    const found = query ? searchActors(search, query, SEARCH_LIMIT) : allActors(index);
    const rest = found.filter((a) => !chosen.has(a.id)).map(actorRow);
    const current = [...chosen.values()].map(actorRow);
    const actions = [layerRow, idsRow, ...(options.canClear ? [clearRow] : [])];
    // Nothing typed: the other sources first (after the profile's actors); typing: the hits first.
    const others = [separator('Other sources'), ...actions.filter((r) => r !== idsRow || !typed)];
    // A section's label only where a section comes before it (the first rows need none).
    const hits = rest.length ? [...(current.length || typed || !query ? [separator(query ? 'Found' : 'Groups, campaigns and software')] : []), ...rest] : [];
    rows = [...(current.length ? [separator('In the profile'), ...current] : []), ...(typed ? [idsRow] : []), ...(query ? [...hits, ...others] : [...others, ...hits])];
    updating = true;
    pick.items = rows;
    pick.selectedItems = rows.filter((r) => 'actor' in r && chosen.has(r.actor.id));
    // The highlight: the technique list or the first search hit when something is typed, else the first row.
    const first = typed ? idsRow : query ? rest[0] : undefined;
    const active = first ?? rows.find((r) => !('separator' in r));
    pick.activeItems = active ? [active] : [];
    updating = false;
  };

  pick.onDidChangeSelection((selected) => {
    if (updating) return;
    const ids = new Set(selected.flatMap((r) => ('actor' in r ? [r.actor.id] : [])));
    // The workbench may echo back the selection set above: only a change of it is the user's.
    const shownChosen = rows.filter((r) => 'actor' in r && chosen.has(r.actor.id)).length;
    if (ids.size !== shownChosen || [...ids].some((id) => !chosen.has(id)) || selected.some((r) => 'action' in r)) toggled = true;
    for (const r of rows) {
      if (!('actor' in r)) continue;
      if (ids.has(r.actor.id)) chosen.set(r.actor.id, r.actor);
      else chosen.delete(r.actor.id);
    }
  });
  pick.onDidChangeValue(update);
  pick.value = options.query ?? '';
  update(pick.value);

  return new Promise((resolve) => {
    let result: ProfilePick | undefined;
    const decide = (): ProfilePick | undefined => {
      const action = pick.selectedItems.find((r): r is Row & { action: 'layer' | 'ids' | 'clear' } => 'action' in r);
      const active = pick.activeItems[0];
      const highlighted = !toggled && active && !('separator' in active) ? active : undefined;
      const act = action ?? (highlighted && 'action' in highlighted ? highlighted : undefined);
      if (act) return act.action === 'ids' ? { kind: 'ids', ...(typed ? { typed } : {}) } : { kind: act.action };
      // Enter on a highlighted actor selects it (with the actors already in the profile).
      if (highlighted && 'actor' in highlighted) chosen.set(highlighted.actor.id, highlighted.actor);
      return chosen.size ? { kind: 'actors', actors: [...chosen.values()] } : undefined;
    };
    pick.onDidAccept(() => {
      result = decide();
      if (!result) {
        pick.placeholder = 'Nothing chosen: check or highlight an adversary, or pick another source';
        return;
      }
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(result);
      pick.dispose();
    });
    pick.show();
  });
}
