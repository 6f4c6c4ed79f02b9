import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { attackUrl } from '../attack/ids';
import { Domain } from '../attack/types';
import { LensContext } from '../context';
import { buildMatrix, MatrixDetail, matrixDetail, MatrixViewModel } from '../coverage/matrixData';
import type { MatrixTelemetry } from '../coverage/matrixTelemetry';
import type { CoverageTelemetry } from '../state/coverageTelemetry';
import type { MatrixInputs } from '../state/threatProfile';
import { RuleStore } from '../workspace/ruleStore';

// The coverage matrix webview ("ATT&CK Lens: Show coverage matrix"). One panel at a time; it
// follows the RuleStore (a new model is posted, the page is not reloaded) and the threat
// profile, and the telemetry states (CoverageTelemetry, when a telemetry profile is set: the page
// then offers a telemetry colour mode). The page (media/matrix/) only renders: it asks for a cell's
// rules (with what each reads) and detection strategies, and the extension opens files, links and
// save dialogs. Messages from the page are checked: only rule files the store knows are opened,
// ATT&CK links are built here from an ID.

const MATRIX_VIEW_TYPE = 'attackLens.coverageMatrix';
const MATRIX_TITLE = 'ATT&CK Coverage Matrix';
const UPDATE_DEBOUNCE_MS = 100;
const PNG_TIMEOUT_MS = 30_000;

interface PendingPng {
  resolve(bytes: Uint8Array): void;
  reject(e: Error): void;
}

/** The one open panel (or none), owned by the matrix feature; "Show coverage matrix" opens it. */
export class MatrixPanels implements vscode.Disposable {
  private current?: MatrixPanel;

  constructor(
    private readonly lens: LensContext,
    private readonly store: RuleStore,
    private readonly inputs: MatrixInputs,
    private readonly telemetry?: CoverageTelemetry,
  ) {}

  get active(): MatrixPanel | undefined {
    return this.current;
  }

  /** Opens the panel (or reveals the open one). */
  show(): MatrixPanel {
    if (this.current) {
      this.current.panel.reveal(undefined, false);
      return this.current;
    }
    const media = vscode.Uri.joinPath(this.lens.extension.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel(MATRIX_VIEW_TYPE, MATRIX_TITLE, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [media],
    });
    panel.iconPath = vscode.Uri.joinPath(media, 'attack-lens.svg');
    const opened = new MatrixPanel(panel, this.lens, this.store, this.inputs, this.telemetry, () => {
      if (this.current === opened) this.current = undefined;
    });
    return (this.current = opened);
  }

  dispose(): void {
    this.current?.dispose();
  }
}

export class MatrixPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private domain?: Domain;
  private dirty = true;
  private timer?: ReturnType<typeof setTimeout>;
  private pageReady!: Promise<void>;
  private markReady!: () => void;
  private readonly pngRequests = new Map<number, PendingPng>();
  private nextRequest = 1;
  /** The filters the page last sent with an export (the PNG/SVG mirror what is on screen). */
  private lastModel?: MatrixViewModel;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly lens: LensContext,
    private readonly store: RuleStore,
    private readonly inputs: MatrixInputs,
    private readonly telemetry: CoverageTelemetry | undefined,
    private readonly onClosed: () => void,
  ) {
    this.resetReady();
    panel.webview.html = webviewHtml(panel.webview, lens.extension.extensionUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m) => void this.onMessage(m)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) {
          if (this.dirty) this.schedule();
          return;
        }
        // A hidden webview loses its page; the next reveal loads it again and says 'ready' again.
        this.resetReady();
        this.dirty = true;
        for (const p of this.pngRequests.values()) p.reject(new Error('the coverage matrix was hidden while rendering'));
        this.pngRequests.clear();
      }),
      store.onDidChange(() => this.invalidate()),
      inputs.onDidChange(() => this.invalidate()),
      ...(telemetry ? [telemetry.onDidChange(() => this.invalidate())] : []),
      lens.onDidChangeIndex(() => this.invalidate()),
      lens.config.onDidChange((affects) => affects('siteBaseUrl') && this.invalidate()),
    );
  }

  /** Resolves once the page has loaded its script and received the current model. */
  get ready(): Promise<void> {
    return this.pageReady;
  }

  /** The model the page shows now (tests compare it with the exports). */
  get shown(): MatrixViewModel | undefined {
    return this.lastModel;
  }

  private resetReady(): void {
    this.pageReady = new Promise((resolve) => (this.markReady = resolve));
  }

  private invalidate(): void {
    this.dirty = true;
    if (this.panel.visible) this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.postModel();
    }, UPDATE_DEBOUNCE_MS);
  }

  /** The matrix for the current store, profile and domain. */
  build(): MatrixViewModel {
    const model = this.store.model;
    const states = this.telemetry?.statesOf(model);
    const telemetry = states && { states, profileName: this.telemetry?.profile?.name };
    return buildMatrix(model, { domain: this.domain, profile: this.inputs.profile(), gaps: this.inputs.gaps(), telemetry });
  }

  /** The telemetry the side panel shows for the current model: what each rule reads, and the states with a profile. */
  private detailTelemetry(): MatrixTelemetry | undefined {
    const t = this.telemetry;
    if (!t) return undefined;
    const model = this.store.model;
    return { profile: t.profile, states: t.statesOf(model), readsOf: t.readsOf(model) };
  }

  private async postModel(): Promise<void> {
    await this.store.ready;
    this.dirty = false;
    const model = this.build();
    this.lastModel = model;
    await this.panel.webview.postMessage({ type: 'model', model });
  }

  private detail(id: string): MatrixDetail | undefined {
    return matrixDetail(this.store.model, id, {
      profile: this.inputs.profile(),
      displayPath: (p) => vscode.workspace.asRelativePath(this.store.uriOf(p), (vscode.workspace.workspaceFolders?.length ?? 0) > 1),
      siteBaseUrl: this.lens.config.siteBaseUrl,
      telemetry: this.detailTelemetry(),
    });
  }

  private async onMessage(m: unknown): Promise<void> {
    if (!m || typeof m !== 'object') return;
    const msg = m as Record<string, unknown>;
    const str = (k: string) => (typeof msg[k] === 'string' ? (msg[k] as string) : undefined);
    const num = (k: string) => (typeof msg[k] === 'number' && Number.isInteger(msg[k]) && (msg[k] as number) >= 0 ? (msg[k] as number) : 0);
    try {
      switch (msg.type) {
        case 'ready':
          await this.postModel();
          this.markReady();
          break;
        case 'select': {
          const id = str('id');
          if (id) await this.panel.webview.postMessage({ type: 'detail', id, detail: this.detail(id) ?? null });
          break;
        }
        case 'openRule': {
          const path = str('path');
          if (!path || !this.store.files().some((f) => f.path === path)) return;
          const selection = new vscode.Range(num('line'), num('character'), num('endLine'), num('endCharacter'));
          await vscode.commands.executeCommand('vscode.open', this.store.uriOf(path), { selection, viewColumn: vscode.ViewColumn.Beside, preview: true } satisfies vscode.TextDocumentShowOptions);
          break;
        }
        case 'openAttack': {
          const id = str('id');
          const t = id ? this.lens.index.technique(id) : undefined;
          if (t) await vscode.env.openExternal(vscode.Uri.parse(attackUrl(t.id, this.lens.config.siteBaseUrl)));
          break;
        }
        case 'createRule': {
          const id = str('id');
          if (id && (await vscode.commands.getCommands(true)).includes('attackLens.createRuleForGap')) await vscode.commands.executeCommand('attackLens.createRuleForGap', id);
          break;
        }
        case 'domain': {
          const d = str('domain') as Domain | undefined;
          if (d && this.store.model.domains.includes(d)) {
            this.domain = d;
            await this.postModel();
          }
          break;
        }
        case 'export': {
          const format = str('format');
          if (format === 'html' || format === 'svg' || format === 'png') {
            await vscode.commands.executeCommand('attackLens.exportCoverageMatrix', format, undefined, { platform: str('platform') || undefined, profileOnly: msg.profileOnly === true });
          }
          break;
        }
        case 'png':
        case 'pngError': {
          const pending = this.pngRequests.get(num('requestId'));
          if (!pending) return;
          this.pngRequests.delete(num('requestId'));
          const dataUrl = str('dataUrl') ?? '';
          const prefix = 'data:image/png;base64,';
          if (msg.type === 'png' && dataUrl.startsWith(prefix)) pending.resolve(Buffer.from(dataUrl.slice(prefix.length), 'base64'));
          else pending.reject(new Error(`PNG rendering failed: ${str('message') ?? 'no image data'}`));
          break;
        }
      }
    } catch (e) {
      this.lens.log.error(`Coverage matrix: ${(e as Error).message}`);
    }
  }

  /** Renders an SVG to PNG inside the page (a canvas), for the PNG export. */
  async rasterize(svg: string, width: number, height: number): Promise<Uint8Array> {
    // Only a loaded page can render: bring a hidden panel back (without taking the focus).
    if (!this.panel.visible) this.panel.reveal(undefined, true);
    await this.pageReady;
    const requestId = this.nextRequest++;
    const result = new Promise<Uint8Array>((resolve, reject) => {
      this.pngRequests.set(requestId, { resolve, reject });
      setTimeout(() => {
        if (this.pngRequests.delete(requestId)) reject(new Error('PNG rendering timed out'));
      }, PNG_TIMEOUT_MS);
    });
    await this.panel.webview.postMessage({ type: 'rasterize', requestId, svg, width, height, scale: 2 });
    return result;
  }

  dispose(): void {
    this.onClosed();
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.pngRequests.values()) p.reject(new Error('the coverage matrix was closed'));
    this.pngRequests.clear();
    this.panel.dispose();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }
}

function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'matrix', name)).toString();
  const csp = `default-src 'none'; img-src ${webview.cspSource} data:; style-src ${webview.cspSource}; script-src 'nonce-${nonce}'`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset('matrix.css')}">
<title>${MATRIX_TITLE}</title>
</head>
<body>
<main id="app"></main>
<script nonce="${nonce}" src="${asset('matrix.js')}"></script>
</body>
</html>`;
}
