import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import mileage from '../../eslint-rules/sql-text.js';

/**
 * Issue 19 item 1: the lint rule `mileage/sql-text` (run by `npm run lint`, so by the build's checks) refuses
 * hand-quoted names and values in SQL text. Shown refusing the FOCUS importer as it was before the fix, and
 * passing every source file as it is.
 */
function lint(code: string, filename = 'src/store/example.ts'): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        plugins: { mileage },
        rules: { 'mileage/sql-text': 'error' },
      },
    ],
    filename,
  );
}

const lines = (messages: Linter.LintMessage[]) => [...new Set(messages.map((m) => m.line))];

describe('mileage/sql-text', () => {
  it('refuses focus-import.ts as it was before issue 19 (the header that ran COPY … TO)', () => {
    const old = readFileSync(
      join(import.meta.dirname, '../fixtures/sql-guard/focus-import.before-issue-19.ts.txt'),
      'utf8',
    );
    const messages = lint(old, 'src/store/duckdb/focus-import.ts');
    expect(messages.every((m) => m.ruleId === 'mileage/sql-text')).toBe(true);
    const at = lines(messages);
    const source = old.split('\n');
    // col(): `CAST("${name}" AS VARCHAR)`; the row content: `CAST("${c}" AS VARCHAR)`.
    expect(source[39]).toContain('CAST("${name}" AS VARCHAR)');
    expect(source[57]).toContain('CAST("${c}" AS VARCHAR)');
    expect(at).toEqual(expect.arrayContaining([40, 58]));
  });

  it.each([
    ['a name quoted by hand', 'const s = (c: string) => `SELECT "${c}" FROM t`;'],
    ['a literal quoted by hand', "const s = (v: string) => `SELECT * FROM t WHERE a = '${v}'`;"],
    ['a value inside a literal', "const s = (v: string) => `SELECT 'x|${v}' AS m FROM t`;"],
    ['a second quoting helper', 'const q = (v: string) => v.replaceAll("\'", "\'\'");'],
    ['hand-quoted text passed to a query', 'await db.query(`"${name}"`);'],
  ])('refuses %s', (_, code) => {
    expect(lint(code).length).toBeGreaterThan(0);
  });

  it.each([
    ['a fragment outside quotes', 'const s = (c: string) => `SELECT ${sqlIdent(c)} FROM t WHERE a = $v`;'],
    ['an error message', 'const m = (c: string) => `unknown column "${c}"`;'],
    ['a SQL comment with an apostrophe', "const s = (c: string) => `SELECT -- it's fine\n ${c} FROM t`;"],
    ['the helper module itself', "export const q = (v: string) => `'${v.replaceAll(\"'\", \"''\")}'`;"],
  ])('allows %s', (name, code) => {
    const file = name === 'the helper module itself' ? 'src/store/sql-text.ts' : 'src/store/example.ts';
    expect(lint(code, file)).toEqual([]);
  });

  it('passes every source file as it is now', () => {
    const root = join(import.meta.dirname, '../../src');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    expect(files.length).toBeGreaterThan(100);
    const found = files.flatMap((f) =>
      lint(readFileSync(join(root, f), 'utf8'), `src/${f}`).map((m) => `src/${f}:${m.line} ${m.message}`),
    );
    expect(found).toEqual([]);
  });
});
