import { parentPort } from 'worker_threads';
import { AttackIndex } from '../attack/index';
import { COMPILED_FORMAT, CompiledDomain } from '../attack/types';
import { parseTreated, Treatment } from '../rules/treatment';
import { ParsedRuleFile } from '../rules/types';

// The extension's parse worker (dist/parseWorker.js): parses large rule files off the extension
// host's main thread, so a 1 MB file never holds the editor. It gets the ATT&CK data it parses
// against from the extension (the same data, whatever its source), then one file per message.

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
    };

/** @public */
export type FromParseWorker = { readonly id: number; readonly parsed: ParsedRuleFile } | { readonly id: number; readonly error: string };

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
      port.postMessage({ id: m.id, parsed } satisfies FromParseWorker);
    } catch (e) {
      port.postMessage({ id: m.id, error: String((e as Error)?.message ?? e) } satisfies FromParseWorker);
    }
  });
}
