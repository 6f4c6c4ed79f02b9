import * as vscode from 'vscode';
import { LensContext } from '../context';
import { ParsedRuleFile } from '../rules/types';
import { readRuleFile } from './readRuleFile';
import { FoundRuleFile } from './ruleFiles';
import { RuleStore } from './ruleStore';

// The RuleStore's files with their text, for the commands that check the whole workspace (the
// checks' fixes need the text a parse was made from): nothing is walked or parsed again.

export interface RuleFileText {
  readonly file: FoundRuleFile;
  readonly parsed: ParsedRuleFile;
  readonly text: string;
}

/** Files whose text is read at once. */
const BATCH = 32;

/**
 * Every rule file of the store, in path order: an open document as its parse at its current
 * version (unsaved changes included), any other file as the store's parse with its text read
 * from disk again. Files that cannot be read now are left out.
 */
export async function* ruleFileTexts(lens: LensContext, store: RuleStore, token?: vscode.CancellationToken): AsyncGenerator<RuleFileText> {
  const files = [...(await store.current())].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const open = new Map(vscode.workspace.textDocuments.map((d) => [d.uri.toString(), d]));
  for (let i = 0; i < files.length; i += BATCH) {
    if (token?.isCancellationRequested) return;
    const batch = files.slice(i, i + BATCH).flatMap((parsed) => {
      const uri = store.uriOf(parsed.path);
      const treatment = store.treatmentOf(uri);
      return treatment ? [{ parsed, file: { uri, treatment }, document: open.get(parsed.path) }] : [];
    });
    const reads = await Promise.all(batch.map((f) => (f.document && !f.document.isClosed ? undefined : readRuleFile(f.file.uri))));
    for (let k = 0; k < batch.length; k++) {
      const { parsed, file, document } = batch[k];
      const read = reads[k];
      if (!read && document) {
        const now = lens.parsing.workspaceDocument(document, file.treatment);
        if (now) yield { file, parsed: now.parsed, text: now.text };
      } else if (read && 'text' in read) yield { file, parsed, text: read.text };
    }
  }
}
