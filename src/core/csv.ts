// CSV: the one way ATT&CK Lens writes a cell, and the reader for the CSV it reads (the Atomic
// Red Team index). Cell text comes from outside (rule file names,
// technique names from a bundle, Atomic Red Team test names): a cell a spreadsheet would read
// as a formula is defused first (OWASP "CSV injection": a leading = + - @ tab or CR, and LF,
// gets a leading '), then quoted as RFC 4180 says when it holds a quote, comma or line break.

const FORMULA_START = /^[=+\-@\t\r\n]/;

/** The text with a leading ' when it starts like a formula. @internal Exported for the CSV-injection test of the rule on its own. */
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

/** Splits CSV text into records (RFC 4180: quoted fields with commas, doubled quotes, newlines). */
export function parseCsv(text: string): { fields: string[]; line: number }[] {
  const rows: { fields: string[]; line: number }[] = [];
  let field = '';
  let fields: string[] = [];
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ fields, line: rowLine });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else field += c;
  }
  if (field !== '' || fields.length) endRow();
  return rows;
}
