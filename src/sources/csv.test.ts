import { describe, expect, it } from 'vitest';
import { readCsv } from './csv.js';

describe('RFC 4180 reader', () => {
  it.each([
    [
      'plain',
      'a,b,c\n1,2,3\n',
      [
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['1', '2', '3'] },
      ],
    ],
    [
      'no final newline',
      'a,b\n1,2',
      [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['1', '2'] },
      ],
    ],
    [
      'CRLF and CR',
      'a\r\nb\rc',
      [
        { line: 1, fields: ['a'] },
        { line: 2, fields: ['b'] },
        { line: 3, fields: ['c'] },
      ],
    ],
    ['quoted comma and doubled quote', '"x, y","say ""hi"""\n', [{ line: 1, fields: ['x, y', 'say "hi"'] }]],
    [
      'line break inside quotes keeps the next record’s line right',
      '"a\nb",c\nd\n',
      [
        { line: 1, fields: ['a\nb', 'c'] },
        { line: 3, fields: ['d'] },
      ],
    ],
    ['empty fields', ',,\n', [{ line: 1, fields: ['', '', ''] }]],
    ['a quoted empty field is a record, a blank line is not', '\n""\n\n', [{ line: 2, fields: [''] }]],
    ['byte-order mark dropped', '\uFEFFat,kind\n', [{ line: 1, fields: ['at', 'kind'] }]],
    ['a quote inside an unquoted field is text', 'a"b,c\n', [{ line: 1, fields: ['a"b', 'c'] }]],
    [
      'text after a closing quote is an error on that record only',
      '"a"b,c\nd\n',
      [
        { line: 1, fields: ['ab', 'c'], error: 'unexpected text after a closing quote on line 1' },
        { line: 2, fields: ['d'] },
      ],
    ],
    [
      'unterminated quote',
      'a\n"b,c\n',
      [
        { line: 1, fields: ['a'] },
        { line: 2, fields: ['b,c\n'], error: 'unterminated quoted field (opened on line 2)' },
      ],
    ],
  ])('%s', (_name, text, rows) => {
    expect([...readCsv(text)]).toEqual(rows);
  });
});
