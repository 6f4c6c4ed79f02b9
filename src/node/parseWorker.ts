import { parentPort } from 'worker_threads';
import { AttackIndex } from '../attack/index';
import { COMPILED_FORMAT, CompiledDomain } from '../attack/types';
import { checkRuleFile } from '../checks/referenceChecks';
import { Finding } from '../checks/findings';
import { parseTreated, Treatment } from '../rules/treatment';
import { ParsedRuleFile } from '../rules/types';

// The extension's parse worker (dist/parseWorker.js): parses large rule files off the extension
// host's main thread, so a 1 MB file never holds the editor, and checks them there too when
// asked (the checks of a hostile file cost as much as its parse). It gets the ATT&CK data it
// parses against from the extension (the same data, whatever its source), then one file per message.

/** @public The messages the extension sends; parseOffThread.ts is the other end. */
export type ToParseWorker =
  | { readonly domains: readonly CompiledDomain[] }
  | {
      readonly id: number;
      readonly text: string;
      readonly path: string;
      readonly treatment: Treatment;
      readonly genericPattern?: { readonly source: string; readonly flags: string };
      readonly root?: string;
      /** Check the parse too: against the text (an open document: findings with their fixes), or without it (a workspace file). */
      readonly check?: 'withText' | 'withoutText';
    };

/** @public */
export type FromParseWorker = { readonly id: number; readonly parsed: ParsedRuleFile; readonly findings?: readonly Finding[] } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  let index: AttackIndex | undefined;
  port.on('message', (m: ToParseWorker) => {
    if ('domains' in m) {
      index = AttackIndex.fromCompiled({ format: COMPILED_FORMAT, domains: [...m.domains] });
      return;
    }
    try {
      const genericPattern = m.genericPattern ? new RegExp(m.genericPattern.source, m.genericPattern.flags) : undefined;
      const parsed = parseTreated(m.text, m.path, index, { treatment: m.treatment, genericPattern, root: m.root });
      const findings = m.check && index ? checkRuleFile(parsed, m.check === 'withText' ? m.text : '', index) : undefined;
      port.postMessage({ id: m.id, parsed, findings } satisfies FromParseWorker);
    } catch (e) {
      port.postMessage({ id: m.id, error: String((e as Error)?.message ?? e) } satisfies FromParseWorker);
    }
  });
}
