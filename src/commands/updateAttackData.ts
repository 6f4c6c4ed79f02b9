import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { compiledIndexJson, DOMAIN_NAMES } from '../attack/compile';
import { AttackIndex } from '../attack/index';
import { AttackDataError, CompiledIndex, Domain, DOMAINS } from '../attack/types';
import { describeIndex, LensContext } from '../context';
import { download, DownloadProgress, downloadReleases, isOlderRelease, Release, releasesToOffer, trimBase, Trust, UnpinnedFile, unpinnedPrompt } from '../data/downloadAttackData';
import { DownloadLimits } from '../data/httpDownload';
import { readVersionManifest } from '../data/loadAttackData';
import { LATEST_INDEX_FILE, storedIndex, versionedIndexFile, versionManifestJson, VERSIONS_FILE, withStoredIndex } from '../attack/versionStore';
import { LATEST } from '../attack/versions';
import { DigestTable, EMPTY_DIGESTS, parseReleaseDigests, parseUserDigests } from '../data/releaseDigests';
import { noticeText } from '../outsideText';

// "ATT&CK Lens: Update ATT&CK data": reads index.json at attackLens.updateBaseUrl, downloads the
// newest Enterprise, Mobile and ICS bundles (or those of the release attackLens.attackVersion
// pins), verifies and compiles them, saves the compiled index to global storage (used at the next
// start too; a pinned release beside the newest, listed in attack-versions.json) and swaps it in.
// Any failure keeps the old data.
// A bundle is accepted only when it matches MITRE's published digest (dist/release-digests.json,
// embedded by the build), the user's attackLens.update.sha256, or the user confirms it in a modal.

const DOWNLOADED_SOURCE = 'downloaded data (ATT&CK Lens: Update ATT&CK data)';

/** @public What the command returns to executeCommand callers. */
export interface UpdateOutcome {
  readonly status: 'updated' | 'saved' | 'up-to-date' | 'failed' | 'cancelled';
  readonly message: string;
  readonly versions: Readonly<Record<string, string>>;
}

/** The ATT&CK version in use per domain. */
function versionsInUse(lens: LensContext): ReadonlyMap<Domain, string> {
  return new Map(lens.index.domains.map((d) => [d.domain, d.version]));
}

function upToDate(lens: LensContext, releases: readonly Release[]): boolean {
  if (lens.config.stixBundles.length > 0) return false;
  const loaded = versionsInUse(lens);
  return releases.length === loaded.size && releases.every((r) => loaded.get(r.domain) === r.version);
}

/** Writes a file of global storage under a name of its own first: two windows updating at once must not write into one file. */
async function writeAtomically(storage: vscode.Uri, name: string, text: string): Promise<vscode.Uri> {
  const target = vscode.Uri.joinPath(storage, name);
  const partial = vscode.Uri.joinPath(storage, `${name}.${randomUUID()}.partial`);
  try {
    await vscode.workspace.fs.writeFile(partial, new TextEncoder().encode(text));
    await vscode.workspace.fs.rename(partial, target, { overwrite: true });
  } catch (e) {
    await Promise.resolve(vscode.workspace.fs.delete(partial)).catch(() => undefined);
    throw e;
  }
  return target;
}

/** Saves the compiled index (the newest as attack-index.json, a pinned release as attack-index-<version>.json) and lists it in attack-versions.json. */
async function saveCache(lens: LensContext, compiled: CompiledIndex, pinned: string): Promise<vscode.Uri> {
  const storage = lens.extension.globalStorageUri;
  await vscode.workspace.fs.createDirectory(storage);
  const name = pinned === LATEST ? LATEST_INDEX_FILE : versionedIndexFile(pinned);
  const target = await writeAtomically(storage, name, compiledIndexJson(compiled));
  // An unreadable list is replaced: it only says which files hold which versions.
  const manifest = await readVersionManifest(storage).catch(() => undefined);
  await writeAtomically(storage, VERSIONS_FILE, versionManifestJson(withStoredIndex(manifest, storedIndex(name, compiled.domains))));
  return target;
}

/** MITRE's digests as the build embedded them; none when the build had no release-digests.json. */
async function pinnedDigests(lens: LensContext): Promise<DigestTable> {
  const file = vscode.Uri.joinPath(lens.extension.extensionUri, 'dist', 'release-digests.json');
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(file);
  } catch {
    lens.log.info('Update ATT&CK data: this build pins no release digests (no dist/release-digests.json); every release needs a configured or confirmed SHA-256');
    return EMPTY_DIGESTS;
  }
  return parseReleaseDigests(new TextDecoder().decode(bytes), file.fsPath);
}

/** @public The argument executeCommand callers may pass. */
export interface UpdateOptions {
  /**
   * Answers the question about releases nobody pinned instead of the modal. For tests in the
   * extension host, where VS Code refuses to show modal dialogs; a command link cannot pass one
   * (its arguments are JSON), so the modal stays the only way in for users.
   */
  readonly confirmUnpinned?: (files: readonly UnpinnedFile[]) => Promise<boolean>;
  /** Answers the question about releases older than the data in use instead of the modal (tests, as above). */
  readonly confirmOlder?: (older: readonly OlderRelease[]) => Promise<boolean>;
}

/** A release the server offers that is older than the one in use for its domain. @public Part of UpdateOutcome. */
export interface OlderRelease {
  readonly domain: Domain;
  readonly offered: string;
  readonly inUse: string;
}

function olderReleases(lens: LensContext, releases: readonly Release[]): OlderRelease[] {
  const inUse = versionsInUse(lens);
  return releases.flatMap((r) => {
    const loaded = inUse.get(r.domain);
    return loaded !== undefined && isOlderRelease(r.version, loaded) ? [{ domain: r.domain, offered: r.version, inUse: loaded }] : [];
  });
}

/**
 * The modal for a server that offers older releases than those in use: a lagging mirror, or one
 * that was tampered with, would otherwise take newer techniques away without a word (their tags
 * then read as unknown). Only "Use older release" goes ahead; anything else refuses the update.
 */
async function requireConsentForOlder(lens: LensContext, older: readonly OlderRelease[], options: UpdateOptions): Promise<void> {
  const named = older.map((o) => `${DOMAIN_NAMES[o.domain]} ${o.offered} (in use: ${o.inUse})`).join(', ');
  const detail = `The update server offers ${named}. An older release lacks the techniques added since, so rules tagged with them would be reported as unknown. Go ahead only if you meant to move back.`;
  const accepted = options.confirmOlder
    ? (await options.confirmOlder(older)) === true
    : (await vscode.window.showWarningMessage('Replace ATT&CK data with an older release?', { modal: true, detail }, 'Use older release')) === 'Use older release';
  lens.log.info(`Update ATT&CK data: ${accepted ? 'accepted' : 'refused'} older releases: ${named}`);
  if (!accepted) throw new AttackDataError(`the server offers older releases than those in use (${named}); refused. Check attackLens.updateBaseUrl, or confirm the older release when asked`);
}

/** The modal for files nobody pinned: names each file, its size and its SHA-256; only "Accept" accepts. */
async function confirmUnpinned(lens: LensContext, files: readonly UnpinnedFile[], options: UpdateOptions): Promise<boolean> {
  const { message, detail } = unpinnedPrompt(files);
  const accepted = options.confirmUnpinned
    ? (await options.confirmUnpinned(files)) === true
    : (await vscode.window.showWarningMessage(message, { modal: true, detail }, 'Accept')) === 'Accept';
  for (const f of files) lens.log.info(`Update ATT&CK data: ${accepted ? 'accepted' : 'refused'} unpinned ${f.file}, ${f.size} bytes, SHA-256 ${f.sha256}`);
  return accepted;
}

async function update(lens: LensContext, progress: vscode.Progress<{ message?: string; increment?: number }>, signal: AbortSignal, options: UpdateOptions): Promise<UpdateOutcome> {
  const base = trimBase(lens.config.updateBaseUrl);
  const trust: Trust = {
    sources: [
      { label: "MITRE's published digest", digests: await pinnedDigests(lens) },
      { label: 'attackLens.update.sha256', digests: parseUserDigests(lens.config.updateSha256) },
    ],
    confirm: (files) => confirmUnpinned(lens, files, options),
    pinHint: 'add its SHA-256 to the attackLens.update.sha256 setting (user settings) once you have checked it, or run the update again and accept it.',
  };
  const limits: Partial<DownloadLimits> = { maxBytes: lens.config.updateMaxDownloadBytes, timeoutMs: lens.config.updateTimeoutMs };
  progress.report({ message: `reading ${base}/index.json` });
  const indexBytes = await download(`${base}/index.json`, { signal, limits });
  const pinned = lens.config.attackVersion;
  const releases = releasesToOffer(new TextDecoder().decode(indexBytes), base, pinned, `${base}/index.json`).filter((r) => DOMAINS.includes(r.domain));
  const versions = Object.fromEntries(releases.map((r) => [r.domain, r.version]));
  if (upToDate(lens, releases)) {
    return { status: 'up-to-date', message: `ATT&CK data is up to date (${describeIndex(lens.index)}).`, versions };
  }
  // A pinned release is saved beside the newest, which stays: asking for it is the consent.
  const older = pinned === LATEST ? olderReleases(lens, releases) : [];
  if (older.length > 0) await requireConsentForOlder(lens, older, options);
  const share = 100 / releases.length;
  const reported = new Map<string, number>();
  const onProgress = ({ domain, received, total }: DownloadProgress) => {
    const fraction = total ? Math.min(1, received / total) : 0;
    const increment = fraction * share - (reported.get(domain) ?? 0);
    reported.set(domain, fraction * share);
    const mb = (received / 1e6).toFixed(1);
    progress.report({ message: `${DOMAIN_NAMES[domain]} ${versions[domain]} (${mb}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB)`, increment });
  };
  const compiled = await downloadReleases(releases, { trust, signal, limits, onProgress });
  progress.report({ message: 'saving' });
  const index = AttackIndex.fromCompiled(compiled);
  const saved = await saveCache(lens, compiled, pinned);
  lens.log.info(`Update ATT&CK data: saved ${describeIndex(index)} to ${saved.fsPath}`);
  if (lens.config.stixBundles.length > 0) {
    return {
      status: 'saved',
      message: `Downloaded ${describeIndex(index)}, but attackLens.stixBundles is set and takes precedence. Clear that setting to use the downloaded data.`,
      versions,
    };
  }
  lens.setIndex(index, DOWNLOADED_SOURCE);
  return { status: 'updated', message: `ATT&CK Lens now uses ${describeIndex(index)}.`, versions };
}

export function registerUpdateAttackDataCommand(lens: LensContext): vscode.Disposable {
  let running: Promise<UpdateOutcome> | undefined;
  const run = async (options: UpdateOptions): Promise<UpdateOutcome> => {
    const before = lens.index.versionLabel;
    const controller = new AbortController();
    let outcome: UpdateOutcome;
    try {
      outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'ATT&CK Lens: updating ATT&CK data', cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return update(lens, progress, controller.signal, options);
        },
      );
    } catch (e) {
      const cancelled = controller.signal.aborted;
      const reason = e instanceof AttackDataError ? e.message : `unexpected error: ${(e as Error).message}`;
      outcome = {
        status: cancelled ? 'cancelled' : 'failed',
        message: cancelled ? `Update cancelled; ATT&CK Lens kept ${before}.` : `Could not update ATT&CK data; kept ${before}. ${reason}`,
        versions: {},
      };
      if (!(e instanceof AttackDataError) && !cancelled) lens.log.error((e as Error).stack ?? String(e));
    }
    // The message quotes the server (status text, redirect target, bundle content) and becomes a notification.
    outcome = { ...outcome, message: noticeText(outcome.message) };
    lens.dataEvents.record('update', outcome.status === 'updated' ? 'loaded' : outcome.status === 'failed' ? 'failed' : 'unchanged', outcome.message);
    if (outcome.status === 'failed') {
      lens.log.error(outcome.message);
      void vscode.window.showErrorMessage(outcome.message, 'Retry', 'Open Settings').then((choice) => {
        if (choice === 'Retry') void vscode.commands.executeCommand('attackLens.updateAttackData');
        if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'attackLens.update');
      });
    } else if (outcome.status === 'saved') {
      void vscode.window.showWarningMessage(outcome.message);
    } else {
      lens.log.info(outcome.message);
      void vscode.window.showInformationMessage(outcome.message);
    }
    return outcome;
  };
  return vscode.commands.registerCommand('attackLens.updateAttackData', (arg?: unknown) => {
    const { confirmUnpinned, confirmOlder } = (arg ?? {}) as UpdateOptions;
    const options: UpdateOptions = {
      ...(typeof confirmUnpinned === 'function' ? { confirmUnpinned } : {}),
      ...(typeof confirmOlder === 'function' ? { confirmOlder } : {}),
    };
    running ??= run(options).finally(() => (running = undefined));
    return running;
  });
}
