import { parse, ParseError, printParseErrorCode } from 'jsonc-parser';

// JSON with comments as VS Code writes it (settings files, .code-workspace files, Navigator
// layers): the one reader for such text from outside. jsonc-parser recurses per level, so a
// document nested thousands deep is refused by name, not a stack overflow.

/** The value, or why the text is not JSON (`not valid JSON (ValueExpected on line 3)`). */
export function parseJsoncText(text: string): { readonly value: unknown } | { readonly error: string } {
  const errors: ParseError[] = [];
  let value: unknown;
  try {
    value = parse(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true });
  } catch (e) {
    if (e instanceof RangeError) return { error: 'nested too deeply to read' };
    throw e;
  }
  if (errors.length) return { error: `not valid JSON (${printParseErrorCode(errors[0].error)} on line ${text.slice(0, errors[0].offset).split('\n').length})` };
  return { value };
}
