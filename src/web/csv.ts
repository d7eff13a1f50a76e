/**
 * CSV as spreadsheets read it (RFC 4180): every cell quoted, quotes doubled, rows ended by
 * CRLF. A cell a spreadsheet would run as a formula — text from customers (a name, a
 * reason) starting with `=`, `+`, `-`, `@`, a tab or a carriage return — gets a leading
 * apostrophe, so it is shown as text and never evaluated (OWASP "CSV injection").
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | Date | null | undefined): string {
  if (value === null || value === undefined) return '""';
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvRow(cells: ReadonlyArray<Parameters<typeof csvCell>[0]>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Excel opens a UTF-8 file as UTF-8 only when it starts with a byte order mark. */
export const CSV_BOM = '\uFEFF';
