/** RFC 4180 as the server writes it: fields separated by commas, quoted when needed, CRLF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      i++;
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/**
 * A CSV cell against the JSON's: money and text exactly as sent (decimal text), no value as an empty cell.
 * Ratios are binary floats, and the CSV and the JSON are two computations of the request: they are compared
 * to 12 significant digits, far below anything a reader or a spreadsheet sees, rather than bit for bit.
 */
export function sameCell(csv: string | undefined, json: string | number | null | undefined): boolean {
  if (json === null || json === undefined || (typeof json === 'number' && !Number.isFinite(json)))
    return csv === '';
  // A text a spreadsheet would run as a formula ("+30%", "=…") is written with an apostrophe before it.
  if (typeof json === 'string') return csv === json || (/^[=+\-@\t\r]/.test(json) && csv === `'${json}`);
  const n = Number(csv);
  return csv !== '' && Math.abs(n - json) <= 1e-12 * Math.max(1, Math.abs(json));
}
