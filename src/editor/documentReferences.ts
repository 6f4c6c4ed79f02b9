import { AttackReference, ParsedRuleFile, Span } from '../rules/types';

// Where a parsed document's ATT&CK references are written, for hovers: every place, and the
// one under a position. The parse itself comes from the rule-parsing service (lens.parsing).

/** One place a reference is written: its ID/text, or (Elastic) its sibling name or reference line. */
export interface ReferenceTarget {
  readonly ref: AttackReference;
  readonly span: Span;
}

function contains(span: Span, line: number, character: number): boolean {
  const afterStart = line > span.start.line || (line === span.start.line && character >= span.start.character);
  const beforeEnd = line < span.end.line || (line === span.end.line && character <= span.end.character);
  return afterStart && beforeEnd;
}

/** Every place a reference is written, including Elastic's sibling `name` and `reference` values. */
function* referenceTargets(parsed: ParsedRuleFile): Generator<ReferenceTarget> {
  for (const rule of parsed.rules) {
    for (const ref of rule.references) {
      yield { ref, span: ref.span };
      if (ref.context?.name) yield { ref, span: ref.context.name.span };
      if (ref.context?.reference) yield { ref, span: ref.context.reference.span };
    }
  }
}

export function referenceAt(parsed: ParsedRuleFile, position: { readonly line: number; readonly character: number }): ReferenceTarget | undefined {
  for (const target of referenceTargets(parsed)) if (contains(target.span, position.line, position.character)) return target;
  return undefined;
}
