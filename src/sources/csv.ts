/**
 * A small RFC 4180 reader for the line-oriented files Mileage reads in JavaScript (quoted fields with
 * commas, doubled quotes and line breaks). Yields each record with the 1-based line it starts on.
 */
export function* readCsv(text: string): Generator<{ line: number; fields: string[] }> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let atFieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && atFieldStart) {
      quoted = true;
      atFieldStart = false;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) yield { line: startLine, fields };
      fields = [];
      field = '';
      atFieldStart = true;
      line++;
      startLine = line;
    } else {
      field += ch;
      atFieldStart = false;
    }
  }
  if (field !== '' || fields.length) {
    fields.push(field);
    yield { line: startLine, fields };
  }
}
