import * as vscode from 'vscode';
import { LensContext } from '../context';
import { ParsedRuleFile } from '../rules/types';
import { readRuleFiles, ReadResult } from './readRuleFile';
import { FoundRuleFile } from './ruleFiles';
import { RuleStore } from './ruleStore';
import { RuleScope } from './ruleScope';

// The RuleStore's files with their text, for the commands that check the whole workspace (the
// checks' fixes need the text a parse was made from): the store's parses, not parsed again.

export interface RuleFileText {
  readonly file: FoundRuleFile;
  readonly parsed: ParsedRuleFile;
  readonly text: string;
}

/** Files whose text is read at once. */
const BATCH = 32;

/**
 * Every rule file of the workspace, in path order, with its parse from the store: an open
 * document as its parse at its current version (unsaved changes included), any other file with
 * its text read from disk again and the store's parse of it, parsed only when the file changed
 * since the store read it (the watcher has not reported it yet). Unreadable files are left out.
 * With a scope, only the files in it.
 */
export async function* ruleFileTexts(lens: LensContext, store: RuleStore, token?: vscode.CancellationToken, scope?: RuleScope): AsyncGenerator<RuleFileText> {
  const files = await store.ruleFilesNow(token, scope);
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  const parse = lens.parsing.fileParser();
  try {
    for (let i = 0; i < files.length; i += BATCH) {
      if (token?.isCancellationRequested) return;
      const batch = files.slice(i, i + BATCH).map((file) => ({ file, document: open.get(file.uri.toString()) }));
      const fromDisk = batch.filter((f) => !f.document || f.document.isClosed);
      const read = await readRuleFiles(fromDisk.map((f) => f.file.uri));
      const readOf = new Map(fromDisk.map((f, k) => [f, read[k]]));
      const reads: (ReadResult | undefined)[] = batch.map((f) => readOf.get(f));
      for (let k = 0; k < batch.length; k++) {
        const { file, document } = batch[k];
        const read = reads[k];
        if (!read && document) {
          const now = lens.parsing.workspaceDocument(document, file.treatment);
          if (now) yield { file, parsed: now.parsed, text: now.text };
        } else if (read && 'text' in read) yield { file, parsed: store.parsedNow(file, read, parse), text: read.text };
      }
    }
  } finally {
    store.announce();
  }
}
