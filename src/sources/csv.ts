/** One CSV record: its fields, the 1-based line it starts on, and what is wrong with it, if anything. */
export interface CsvRow {
  line: number;
  fields: string[];
  /** Set when the record breaks RFC 4180 (unterminated quote, text after a closing quote). */
  error?: string;
}

/**
 * A small RFC 4180 reader for the CSV files Mileage reads in JavaScript: quoted fields may hold commas,
 * doubled quotes and line breaks; LF, CRLF and CR line ends; a UTF-8 byte-order mark (Excel) is dropped;
 * blank lines are skipped. It never throws: a malformed record is yielded with `error` set so the caller
 * can report it and go on. Bulk files go through DuckDB's read_csv instead.
 */
export function* readCsv(text: string): Generator<CsvRow> {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let fields: string[] = [];
  let field = '';
  let fieldQuoted = false;
  let inQuotes = false;
  let afterQuote = false;
  let error: string | undefined;
  let line = 1;
  let startLine = 1;

  const endRecord = (): CsvRow | null => {
    fields.push(field);
    const blank = fields.length === 1 && field === '' && !fieldQuoted;
    const row: CsvRow = { line: startLine, fields, ...(error ? { error } : {}) };
    fields = [];
    field = '';
    fieldQuoted = false;
    afterQuote = false;
    error = undefined;
    return blank ? null : row;
  };

  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          afterQuote = true;
        }
      } else {
        if (ch === '\n' || (ch === '\r' && s[i + 1] !== '\n')) line++;
        field += ch;
      }
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
      fieldQuoted = false;
      afterQuote = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && s[i + 1] === '\n') i++;
      const row = endRecord();
      if (row) yield row;
      line++;
      startLine = line;
    } else if (ch === '"' && field === '' && !fieldQuoted) {
      inQuotes = true;
      fieldQuoted = true;
    } else {
      if (afterQuote) error ??= `unexpected text after a closing quote on line ${line}`;
      field += ch;
    }
  }
  if (inQuotes) error ??= `unterminated quoted field (opened on line ${startLine})`;
  if (field !== '' || fieldQuoted || fields.length > 0) {
    const row = endRecord();
    if (row) yield row;
  }
}
