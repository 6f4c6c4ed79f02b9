// The one way ATT&CK Lens writes a CSV cell. Cell text comes from outside (rule file names,
// technique names from a bundle, Atomic Red Team test names): a cell a spreadsheet would read
// as a formula is defused first (OWASP "CSV injection": a leading = + - @ tab or CR, and LF,
// gets a leading '), then quoted as RFC 4180 says when it holds a quote, comma or line break.

const FORMULA_START = /^[=+\-@\t\r\n]/;

/** The text with a leading ' when it starts like a formula. */
export function defuseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One CSV field. Numbers and booleans are written as they are (a negative count is a number, not a formula). */
export function csvCell(value: string | number | boolean): string {
  const s = typeof value === 'string' ? defuseFormula(value) : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record (without its line break). */
export function csvRow(values: readonly (string | number | boolean)[]): string {
  return values.map(csvCell).join(',');
}
