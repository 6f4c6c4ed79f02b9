// ATT&CK Lens coverage matrix webview. Plain JS, no framework, nothing remote. The extension
// posts the view model (src/coverage/matrixData.ts) and per-cell details; everything from rules
// or ATT&CK data reaches the DOM through textContent, never as markup.
(function () {
  'use strict';

  const vscode = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : { postMessage() {}, getState() { return undefined; }, setState() {} };
  const saved = vscode.getState() || {};
  const ZOOMS = [0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5];
  const state = {
    model: undefined,
    platform: saved.platform || '',
    profileOnly: !!saved.profileOnly,
    expanded: new Set(saved.expanded || []),
    selected: saved.selected || '',
    detail: undefined,
    // Compact (every tactic in the editor's width) unless the user chose the full width.
    compact: saved.compact !== false,
    zoom: ZOOMS.includes(saved.zoom) ? saved.zoom : 1,
    // 'rules' (rules per technique) or 'telemetry' (the four states; only with a telemetry profile).
    colourMode: saved.colourMode === 'telemetry' ? 'telemetry' : 'rules',
  };

  const app = document.getElementById('app');

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  function bucketOf(count) {
    let b = 0;
    for (const x of state.model.legend) if (count >= x.min) b = x.index;
    return b;
  }

  function save() {
    vscode.setState({ platform: state.platform, profileOnly: state.profileOnly, expanded: [...state.expanded], selected: state.selected, compact: state.compact, zoom: state.zoom, colourMode: state.colourMode });
  }

  /** The colour mode on screen: telemetry only while the model has a telemetry profile. */
  function telemetryMode() {
    return state.colourMode === 'telemetry' && !!(state.model && state.model.telemetry);
  }

  function stateKey(s) {
    return state.model && state.model.telemetry ? state.model.telemetry.legend.find((k) => k.state === s) : undefined;
  }

  function visible(cell) {
    if (state.profileOnly && !cell.inProfile) return false;
    if (!state.platform) return true;
    const p = state.platform.toLowerCase();
    return cell.platforms.some((x) => x.toLowerCase() === p);
  }

  // ---- layout: toolbar, legend, matrix, side panel (built once) ----
  const header = el('header', 'toolbar');
  const title = el('h1', 'title', 'ATT&CK coverage matrix');
  const summary = el('p', 'summary');
  const controls = el('div', 'controls');
  const domainSelect = el('select', 'domain');
  domainSelect.setAttribute('aria-label', 'ATT&CK domain');
  const platformSelect = el('select', 'platform');
  platformSelect.setAttribute('aria-label', 'Platform filter');
  const profileLabel = el('label', 'profile-only');
  const profileBox = el('input');
  profileBox.type = 'checkbox';
  profileBox.id = 'profile-only';
  profileLabel.append(profileBox, document.createTextNode(' Profile only'));
  const expandAll = el('button', 'secondary', 'Expand all');
  expandAll.type = 'button';
  const compactLabel = el('label', 'compact-toggle');
  compactLabel.title = 'Fit every tactic in the width of the editor';
  const compactBox = el('input');
  compactBox.type = 'checkbox';
  compactBox.id = 'compact';
  compactLabel.append(compactBox, document.createTextNode(' Compact'));
  const zoomLabel = el('label', 'zoom-label', 'Zoom');
  const zoomSelect = el('select', 'zoom');
  zoomSelect.setAttribute('aria-label', 'Zoom');
  for (const z of ZOOMS) {
    const o = el('option', '', Math.round(z * 100) + '%');
    o.value = String(z);
    zoomSelect.append(o);
  }
  zoomLabel.append(zoomSelect);
  const modeLabel = el('label', 'mode-label', 'Colour by');
  const modeSelect = el('select', 'colour-mode');
  modeSelect.setAttribute('aria-label', 'Colour cells by');
  const rulesOption = el('option', '', 'Rules per technique');
  rulesOption.value = 'rules';
  const telemetryOption = el('option', '', 'Telemetry state');
  telemetryOption.value = 'telemetry';
  modeSelect.append(rulesOption, telemetryOption);
  modeLabel.append(modeSelect);
  const exports = el('div', 'exports');
  exports.setAttribute('role', 'group');
  exports.setAttribute('aria-label', 'Export');
  for (const [format, label] of [['html', 'HTML report'], ['svg', 'SVG'], ['png', 'PNG']]) {
    const b = el('button', 'export', 'Export ' + label);
    b.type = 'button';
    b.dataset.format = format;
    b.addEventListener('click', () => vscode.postMessage({ type: 'export', format, platform: state.platform, profileOnly: state.profileOnly }));
    exports.append(b);
  }
  controls.append(domainSelect, platformSelect, profileLabel, modeLabel, expandAll, compactLabel, zoomLabel, exports);
  const legend = el('div', 'legend');
  legend.setAttribute('aria-label', 'Legend');
  header.append(title, summary, controls, legend);

  const body = el('div', 'body');
  const matrix = el('div', 'matrix');
  matrix.setAttribute('role', 'grid');
  matrix.setAttribute('aria-label', 'Techniques by tactic');
  const side = el('aside', 'side');
  side.setAttribute('aria-live', 'polite');
  side.setAttribute('aria-label', 'Selected technique');
  body.append(matrix, side);
  const empty = el('p', 'empty', 'Scanning rules…');
  app.append(header, empty, body);

  function applyLayout() {
    body.classList.toggle('compact', state.compact);
    compactBox.checked = state.compact;
    matrix.style.setProperty('--zoom', String(state.zoom));
    zoomSelect.value = String(state.zoom);
  }
  applyLayout();
  compactBox.addEventListener('change', () => {
    state.compact = compactBox.checked;
    save();
    applyLayout();
  });
  zoomSelect.addEventListener('change', () => {
    const z = Number(zoomSelect.value);
    state.zoom = ZOOMS.includes(z) ? z : 1;
    save();
    applyLayout();
  });

  modeSelect.addEventListener('change', () => {
    state.colourMode = modeSelect.value === 'telemetry' ? 'telemetry' : 'rules';
    save();
    renderHeader();
    renderMatrix();
  });
  domainSelect.addEventListener('change', () => vscode.postMessage({ type: 'domain', domain: domainSelect.value }));
  platformSelect.addEventListener('change', () => {
    state.platform = platformSelect.value;
    save();
    renderMatrix();
  });
  profileBox.addEventListener('change', () => {
    state.profileOnly = profileBox.checked;
    save();
    renderMatrix();
  });
  expandAll.addEventListener('click', () => {
    const all = [];
    for (const col of state.model.columns) for (const c of col.cells) if (c.subtechniques.length) all.push(c.id);
    const collapse = all.every((id) => state.expanded.has(id));
    state.expanded = new Set(collapse ? [] : all);
    save();
    renderMatrix();
  });

  function renderHeader() {
    const m = state.model;
    title.textContent = m.domainName + ' ATT&CK coverage';
    const parts = [m.attackVersion, plural(m.rules, 'rule'), m.coverage];
    parts.push(m.profile ? 'threat profile: ' + m.profile.name : 'no threat profile');
    if (m.scopePlatforms.length) parts.push('scope: ' + m.scopePlatforms.join(', '));

    domainSelect.replaceChildren(...m.domains.map((d) => {
      const o = el('option', '', d);
      o.value = d;
      o.selected = d === m.domain;
      return o;
    }));
    domainSelect.hidden = m.domains.length < 2;

    if (state.platform && !m.platforms.includes(state.platform)) state.platform = '';
    const all = el('option', '', 'All platforms');
    all.value = '';
    platformSelect.replaceChildren(all, ...m.platforms.map((p) => {
      const o = el('option', '', p);
      o.value = p;
      return o;
    }));
    platformSelect.value = state.platform;

    profileBox.disabled = !m.profile;
    if (!m.profile) state.profileOnly = false;
    profileBox.checked = state.profileOnly;
    profileLabel.title = m.profile ? 'Show only techniques in the threat profile' : 'Choose a threat profile first (ATT&CK Lens: Choose threat profile)';

    telemetryOption.disabled = !m.telemetry;
    telemetryOption.textContent = m.telemetry ? 'Telemetry state' : 'Telemetry state (no telemetry profile)';
    modeSelect.value = telemetryMode() ? 'telemetry' : 'rules';
    modeLabel.title = m.telemetry
      ? 'Colour cells by rule count, or by telemetry state against the telemetry profile'
      : 'No telemetry profile is set: choose one with "ATT&CK Lens: Choose telemetry" (the attackLens.telemetry setting) to colour by telemetry state';
    if (m.telemetry) parts.push('telemetry profile' + (m.telemetry.profileName ? ': ' + m.telemetry.profileName : ''));
    summary.textContent = parts.join(' · ');

    if (telemetryMode()) {
      legend.replaceChildren(el('span', 'legend-title', 'Telemetry state'));
      for (const k of m.telemetry.legend) {
        const item = el('span', 'legend-item legend-state');
        item.dataset.state = k.state;
        item.title = k.meaning;
        const swatch = el('span', 'swatch state-swatch t-' + k.state, k.mark);
        swatch.setAttribute('aria-hidden', 'true');
        item.append(swatch, document.createTextNode(k.label));
        legend.append(item);
      }
    } else {
      legend.replaceChildren(el('span', 'legend-title', 'Rules per technique'));
      for (const b of m.legend) {
        const item = el('span', 'legend-item');
        item.append(el('span', 'swatch c' + b.index), document.createTextNode(b.label));
        legend.append(item);
      }
    }
    if (m.profile) {
      const item = el('span', 'legend-item');
      item.append(el('span', 'swatch profile'), document.createTextNode('in threat profile'));
      legend.append(item);
    }
  }

  function cellButton(cell, isSub) {
    const key = telemetryMode() && cell.telemetry ? stateKey(cell.telemetry) : undefined;
    const colour = telemetryMode() ? (key ? 't-' + key.state : 't-none') : 'c' + bucketOf(cell.count);
    const b = el('button', 'cell ' + colour + (cell.inProfile ? ' profile' : '') + (isSub ? ' sub' : ''));
    b.type = 'button';
    b.dataset.id = cell.id;
    if (cell.telemetry) b.dataset.state = cell.telemetry;
    b.tabIndex = -1;
    const name = el('span', 'name', cell.name);
    const count = el('span', 'count', cell.count);
    if (key) {
      const mark = el('span', 'mark', key.mark);
      mark.setAttribute('aria-hidden', 'true');
      b.append(mark);
    }
    b.append(name, count);
    let label = cell.id + ' ' + cell.name + ': ' + plural(cell.count, 'rule');
    if (cell.count === 0) label += ', gap';
    if (cell.inProfile) label += ', in threat profile (weight ' + cell.weight + ')';
    if (key) label += ', telemetry: ' + key.label;
    b.setAttribute('aria-label', label);
    b.title = cell.id + ' ' + cell.name + ' · ' + plural(cell.count, 'rule') + (cell.direct !== cell.count ? ' (' + cell.direct + ' direct)' : '') + (cell.inProfile ? ' · profile weight ' + cell.weight : '') + (key ? ' · ' + key.meaning : '');
    if (cell.id === state.selected) b.classList.add('selected');
    b.setAttribute('aria-pressed', String(cell.id === state.selected));
    return b;
  }

  function renderMatrix() {
    const m = state.model;
    if (!m) return;
    const scrollLeft = matrix.scrollLeft;
    const scrollTop = matrix.scrollTop;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.id : undefined;
    const columns = [];
    for (const col of m.columns) {
      const column = el('section', 'column');
      column.setAttribute('role', 'rowgroup');
      column.setAttribute('aria-label', col.name + ': ' + col.covered + ' of ' + col.total + ' techniques covered');
      const head = el('div', 'column-head');
      head.append(el('h2', '', col.name), el('span', 'column-count', col.covered + '/' + col.total + ' · ' + col.percent + '%'));
      const meter = el('meter');
      meter.min = 0;
      meter.max = 100;
      meter.value = col.percent;
      meter.setAttribute('aria-hidden', 'true');
      head.append(meter);
      if (telemetryMode() && col.states) {
        const counts = m.telemetry.legend.map((k) => k.mark + col.states[k.state]).join(' ');
        const line = el('span', 'column-states', counts);
        line.title = m.telemetry.legend.map((k) => col.states[k.state] + ' ' + k.label).join(' · ');
        line.setAttribute('aria-label', line.title);
        head.append(line);
      }
      column.append(head);
      const list = el('div', 'cells');
      for (const cell of col.cells) {
        if (!visible(cell)) continue;
        const tech = el('div', 'technique');
        tech.setAttribute('role', 'row');
        const line = el('div', 'line');
        const button = cellButton(cell, false);
        line.append(button);
        if (cell.subtechniques.length) {
          const open = state.expanded.has(cell.id);
          button.setAttribute('aria-expanded', String(open));
          button.setAttribute('aria-keyshortcuts', '+ -');
          const t = el('button', 'toggle', open ? '▾' : '▸');
          t.type = 'button';
          t.tabIndex = -1;
          t.dataset.toggle = cell.id;
          t.setAttribute('aria-expanded', String(open));
          t.setAttribute('aria-label', (open ? 'Hide ' : 'Show ') + plural(cell.subtechniques.length, 'sub-technique') + ' of ' + cell.name);
          line.append(t);
          tech.append(line);
          if (open) {
            const subs = el('div', 'subs');
            for (const s of cell.subtechniques) if (visible(s)) subs.append(cellButton(s, true));
            tech.append(subs);
          }
        } else tech.append(line);
        list.append(tech);
      }
      column.append(list);
      columns.push(column);
    }
    matrix.replaceChildren(...columns);
    matrix.scrollLeft = scrollLeft;
    matrix.scrollTop = scrollTop;
    const first = (focused && matrix.querySelector('[data-id="' + CSS.escape(focused) + '"]')) || matrix.querySelector('.cell.selected') || matrix.querySelector('.cell');
    if (first) first.tabIndex = 0;
    if (focused && first && first.dataset.id === focused) first.focus();
  }

  // ---- the side panel ----
  function section(heading) {
    const s = el('section', 'detail-section');
    s.append(el('h3', '', heading));
    return s;
  }

  function ruleList(rules) {
    const ul = el('ul', 'rules');
    for (const r of rules) {
      const li = el('li');
      const b = el('button', 'rule');
      b.type = 'button';
      b.append(el('span', 'rule-title', r.title || '(untitled rule)'), el('span', 'rule-where', r.display + ':' + (r.line + 1) + ' · ' + r.text));
      b.setAttribute('aria-label', 'Open ' + (r.title || 'rule') + ' at ' + r.display + ' line ' + (r.line + 1));
      b.addEventListener('click', () => vscode.postMessage({ type: 'openRule', path: r.path, line: r.line, character: r.character, endLine: r.endLine, endCharacter: r.endCharacter }));
      li.append(b);
      if (r.reads) li.append(readsList(r.reads));
      ul.append(li);
    }
    return ul;
  }

  // What a covering rule reads: each data component by ID and name, collected or not (with a profile).
  function readsList(reads) {
    const ul = el('ul', 'reads');
    ul.setAttribute('aria-label', 'Reads');
    for (const c of reads.dataComponents) {
      const status = c.collected === true ? 'collected' : c.collected === false ? 'not collected' : '';
      const li = el('li', 'read' + (c.collected === true ? ' collected' : c.collected === false ? ' not-collected' : ''));
      li.dataset.component = c.id;
      li.append(el('span', 'read-mark', c.collected === true ? '✓' : c.collected === false ? '✗' : '·'), document.createTextNode(' reads ' + c.id + ' ' + c.name + (status ? ' — ' + status : '')));
      ul.append(li);
    }
    for (const u of reads.unmapped) ul.append(el('li', 'read unmapped', 'reads ' + u + ' — maps to no data component'));
    if (!reads.dataComponents.length && !reads.unmapped.length) ul.append(el('li', 'read unknown', 'reads nothing ATT&CK Lens can name'));
    return ul;
  }

  // The analytics whose log sources the team collects: what a rule for this technique would read.
  function collectedAnalyticsSection(t, isGap) {
    const s = section((isGap ? 'What a new rule would read' : 'Analytics on telemetry you collect') + ' (' + plural(t.analytics.length, 'analytic') + ')');
    s.classList.add('collected-analytics');
    const ul = el('ul', 'analytics');
    for (const a of t.analytics) {
      const li = el('li', 'collected-analytic');
      li.dataset.id = a.id;
      const name = el('span', 'analytic-name');
      name.append(el('span', 'detail-id', a.id), document.createTextNode(' ' + a.name + (a.platforms.length ? ' (' + a.platforms.join(', ') + ')' : '')));
      li.append(name);
      const ls = el('ul', 'log-sources');
      for (const x of a.logSources) {
        const item = el('li', 'log-source', x.name + (x.channel ? ' · ' + x.channel : '') + ' — ' + x.dataComponent + ' ' + x.dataComponentName);
        item.dataset.name = x.name;
        item.dataset.channel = x.channel;
        ls.append(item);
      }
      li.append(ls);
      ul.append(li);
    }
    s.append(ul);
    return s;
  }

  function topGaps() {
    const s = section('Top ranked gaps');
    s.classList.add('top-gaps');
    const gaps = state.model ? state.model.topGaps : [];
    if (!gaps.length) s.append(el('p', 'hint', state.model ? 'No uncovered techniques.' : ''));
    const ol = el('ol', 'gaps');
    for (const g of gaps) {
      const li = el('li');
      const b = el('button', 'rule');
      b.type = 'button';
      const title = el('span', 'rule-title');
      title.append(el('span', 'detail-id', g.id), document.createTextNode(' ' + g.name));
      b.append(title, el('span', 'rule-where', g.tactics.join(', ') + ' · ' + g.reason));
      b.addEventListener('click', () => select(g.id, true));
      li.append(b);
      ol.append(li);
    }
    s.append(ol);
    return s;
  }

  function renderDetail() {
    const d = state.detail;
    if (!state.selected) {
      side.replaceChildren(el('p', 'hint', 'Select a technique to see the rules that cover it, or for a gap, how ATT&CK suggests detecting it.'), topGaps());
      return;
    }
    if (!d || d.id !== state.selected) {
      side.replaceChildren(el('p', 'hint', 'Loading ' + state.selected + '…'));
      return;
    }
    const parts = [];
    const h = el('h2', 'detail-title');
    h.append(el('span', 'detail-id', d.id), document.createTextNode(' ' + d.name));
    parts.push(h);
    const facts = [d.tactics.join(', '), plural(d.count, 'rule')];
    if (d.weight > 0) facts.push('threat profile weight ' + d.weight);
    parts.push(el('p', 'detail-meta', facts.join(' · ')));
    if (d.platforms.length) parts.push(el('p', 'detail-meta', 'Platforms: ' + d.platforms.join(', ')));
    if (d.telemetry) {
      const p = el('p', 'detail-state t-' + d.telemetry.state);
      p.dataset.state = d.telemetry.state;
      const mark = el('span', 'mark', d.telemetry.mark);
      mark.setAttribute('aria-hidden', 'true');
      p.append(mark, document.createTextNode(' ' + d.telemetry.sentence));
      parts.push(p);
    }
    const actions = el('div', 'detail-actions');
    const back = el('button', 'secondary', 'Top gaps');
    back.type = 'button';
    back.title = 'Clear the selection and list the top ranked gaps';
    back.addEventListener('click', () => select(''));
    actions.append(back);
    const attack = el('button', 'secondary', 'Open on ATT&CK');
    attack.type = 'button';
    attack.addEventListener('click', () => vscode.postMessage({ type: 'openAttack', id: d.id }));
    actions.append(attack);
    if (d.count === 0) {
      const create = el('button', '', 'Create rule for this gap');
      create.type = 'button';
      create.addEventListener('click', () => vscode.postMessage({ type: 'createRule', id: d.id }));
      actions.append(create);
    }
    parts.push(actions);

    if (d.rules.length) {
      const s = section('Covering rules (' + d.rules.length + ')');
      s.classList.add('covering');
      s.append(ruleList(d.rules));
      parts.push(s);
    }
    if (d.viaSubtechniques.length) {
      const s = section('Via sub-techniques (' + d.viaSubtechniques.length + ')');
      s.classList.add('covering');
      s.append(ruleList(d.viaSubtechniques));
      parts.push(s);
    }
    if (d.count === 0) parts.push(el('p', 'gap-note', 'No rule covers this technique.'));
    const t = d.telemetry;
    if (t && t.analytics.length) parts.push(collectedAnalyticsSection(t, d.count === 0));
    if (t && t.state === 'blind') parts.push(el('p', 'blind-note', d.dataComponents.length ? 'Nothing you collect feeds it: collecting one of the data components listed below would.' : 'Nothing you collect feeds it, and ATT&CK names no data component for it.'));
    if (d.count === 0 || d.strategies.length) {
      const s = section('Detection strategies (' + d.strategies.length + ')');
      s.classList.add('strategies');
      if (!d.strategies.length) s.append(el('p', 'hint', 'ATT&CK lists no detection strategy for this technique.'));
      for (const st of d.strategies) {
        const det = el('details', 'strategy');
        det.open = d.count === 0;
        const sum = el('summary');
        sum.append(el('span', 'detail-id', st.id), document.createTextNode(' ' + st.name));
        det.append(sum);
        const ul = el('ul', 'analytics');
        for (const a of st.analytics) {
          const li = el('li');
          li.append(el('span', 'analytic-name', a.name + (a.platforms.length ? ' (' + a.platforms.join(', ') + ')' : '')));
          if (a.logSources.length) {
            const ls = el('ul', 'log-sources');
            for (const x of a.logSources) ls.append(el('li', '', x));
            li.append(ls);
          }
          ul.append(li);
        }
        det.append(ul);
        s.append(det);
      }
      parts.push(s);
    }
    if (d.dataComponents.length) {
      const s = section(t && t.state === 'blind' ? 'Data components that would feed it' : 'Data components');
      s.classList.add('components');
      const ul = el('ul', 'components-list');
      for (const c of d.dataComponents) ul.append(el('li', '', c.id + ' ' + c.name));
      s.append(ul);
      parts.push(s);
    }
    side.replaceChildren(...parts);
  }

  function select(id, reveal) {
    state.selected = id;
    const parent = id.split('.')[0];
    if (reveal && id.includes('.') && !state.expanded.has(parent)) {
      state.expanded.add(parent);
      renderMatrix();
    }
    save();
    for (const b of matrix.querySelectorAll('.cell.selected')) {
      b.classList.remove('selected');
      b.setAttribute('aria-pressed', 'false');
    }
    const b = id ? matrix.querySelector('.cell[data-id="' + CSS.escape(id) + '"]') : null;
    if (b) {
      b.classList.add('selected');
      b.setAttribute('aria-pressed', 'true');
      if (reveal) b.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
    renderDetail();
    if (id) vscode.postMessage({ type: 'select', id });
  }

  matrix.addEventListener('click', (e) => {
    const target = e.target instanceof Element ? e.target.closest('button') : null;
    if (!target) return;
    if (target.dataset.toggle) {
      const id = target.dataset.toggle;
      if (state.expanded.has(id)) state.expanded.delete(id);
      else state.expanded.add(id);
      save();
      renderMatrix();
      const again = matrix.querySelector('[data-toggle="' + CSS.escape(id) + '"]');
      if (again) again.focus();
    } else if (target.dataset.id) {
      moveFocus(target);
      select(target.dataset.id);
    }
  });

  // Arrow keys move between cells (up/down in a column, left/right across columns), Home/End to
  // the column's ends; + and - show and hide a technique's sub-techniques.
  function moveFocus(to) {
    for (const b of matrix.querySelectorAll('button[tabindex="0"]')) b.tabIndex = -1;
    to.tabIndex = 0;
    to.focus();
  }

  matrix.addEventListener('keydown', (e) => {
    const current = e.target instanceof HTMLElement ? e.target : null;
    if (!current || current.tagName !== 'BUTTON') return;
    if ((e.key === '+' || e.key === '-') && current.dataset.id && current.hasAttribute('aria-expanded')) {
      e.preventDefault();
      const id = current.dataset.id;
      if (e.key === '+') state.expanded.add(id);
      else state.expanded.delete(id);
      save();
      renderMatrix();
      return;
    }
    const column = current.closest('.column');
    const inColumn = [...column.querySelectorAll('.cell')];
    const i = inColumn.indexOf(current);
    let next;
    if (e.key === 'ArrowDown') next = inColumn[i + 1];
    else if (e.key === 'ArrowUp') next = inColumn[i - 1];
    else if (e.key === 'Home') next = inColumn[0];
    else if (e.key === 'End') next = inColumn[inColumn.length - 1];
    else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const columns = [...matrix.querySelectorAll('.column')];
      const other = columns[columns.indexOf(column) + (e.key === 'ArrowRight' ? 1 : -1)];
      if (other) {
        const cells = [...other.querySelectorAll('.cell')];
        const row = [...column.querySelectorAll('.cell')].indexOf(current);
        next = cells[Math.min(Math.max(row, 0), cells.length - 1)];
      }
    } else return;
    e.preventDefault();
    if (next) moveFocus(next);
  });

  // ---- PNG: the extension sends the SVG; draw it on a canvas and send the pixels back ----
  function rasterize(msg) {
    const img = new Image();
    img.onload = () => {
      try {
        const scale = msg.scale || 2;
        const canvas = document.createElement('canvas');
        canvas.width = Math.round(msg.width * scale);
        canvas.height = Math.round(msg.height * scale);
        const ctx = canvas.getContext('2d');
        ctx.scale(scale, scale);
        ctx.drawImage(img, 0, 0, msg.width, msg.height);
        vscode.postMessage({ type: 'png', requestId: msg.requestId, dataUrl: canvas.toDataURL('image/png') });
      } catch (err) {
        vscode.postMessage({ type: 'pngError', requestId: msg.requestId, message: String(err && err.message ? err.message : err) });
      }
    };
    img.onerror = () => vscode.postMessage({ type: 'pngError', requestId: msg.requestId, message: 'the SVG could not be drawn' });
    const bytes = new TextEncoder().encode(msg.svg);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    img.src = 'data:image/svg+xml;base64,' + btoa(binary);
  }

  let renders = 0;
  function onModel(model) {
    state.model = model;
    empty.hidden = true;
    renderHeader();
    renderMatrix();
    if (state.selected) {
      state.detail = undefined;
      renderDetail();
      vscode.postMessage({ type: 'select', id: state.selected });
    } else renderDetail();
    renders++;
    document.body.dataset.renders = String(renders);
    // Tests and the benchmark wait for this: the model is on screen once the next frame is painted.
    requestAnimationFrame(() => setTimeout(() => window.dispatchEvent(new CustomEvent('matrix-rendered', { detail: renders })), 0));
  }

  window.addEventListener('message', (event) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object') return;
    if (msg.type === 'model') onModel(msg.model);
    else if (msg.type === 'detail') {
      if (msg.id !== state.selected) return;
      state.detail = msg.detail || { id: msg.id, name: '(not in the loaded ATT&CK data)', tactics: [], platforms: [], count: 0, weight: 0, rules: [], viaSubtechniques: [], strategies: [], dataComponents: [] };
      renderDetail();
    } else if (msg.type === 'rasterize') rasterize(msg);
    else if (msg.type === 'scanning') {
      empty.hidden = !!state.model;
    }
  });

  renderDetail();
  vscode.postMessage({ type: 'ready' });
})();
