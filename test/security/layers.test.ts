import { readdirSync } from 'node:fs';
import tsParser from '@typescript-eslint/parser';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import layers, { ALLOWED } from '../../eslint-rules/layers.js';

/**
 * Issue 23: the import directions of DESIGN.md held by a tool. The rule `mileage/layers` (run by `npm run lint`)
 * refuses the outward imports the codebase had (metrics → diagnostics, ingest → demo and gateway), a database
 * driver outside the store, and a new src/ folder nobody placed. `npm run lint` holds every source file to it.
 */
function lint(code: string, filename: string): Linter.LintMessage[] {
  return new Linter({ configType: 'flat' }).verify(
    code,
    [
      {
        files: ['**/*.ts'],
        languageOptions: { parser: tsParser },
        plugins: { mileage: layers },
        rules: { 'mileage/layers': 'error' },
      },
    ],
    filename,
  );
}

describe('lint rule mileage/layers', () => {
  it('refuses the outward imports the code had before the fix', () => {
    const before = [
      [
        "import type { Repricer } from '../diagnostics/model-fit.js';",
        'src/metrics/whatif.ts',
        'metrics/ may not import diagnostics/',
      ],
      [
        "import type { DemoManifest } from '../demo/index.js';",
        'src/ingest/demo.ts',
        'ingest/ may not import demo/',
      ],
      [
        "import { parseGatewayRecords } from '../gateway/shipped.js';",
        'src/ingest/demo.ts',
        'ingest/ may not import gateway/',
      ],
      ["import { Db } from '../../store/db.js';", 'src/domain/x/y.ts', 'domain/ may not import store/'],
      [
        "export { runServer } from '../server/run-server.js';",
        'src/store/x.ts',
        'store/ may not import server/',
      ],
      ["const m = await import('../cli/main.js');", 'src/server/x.ts', 'server/ may not import cli/'],
    ] as const;
    for (const [code, file, message] of before) {
      const found = lint(code, file);
      expect(found.map((m) => m.message).join('\n'), `${file}: ${code}`).toContain(message);
    }
  });

  it('lets imports point inward, within a folder, and anywhere from a test', () => {
    expect(lint("import type { Repricer } from '../pricing/repricer.js';", 'src/metrics/whatif.ts')).toEqual(
      [],
    );
    expect(lint("import { x } from './y.js';", 'src/metrics/whatif.ts')).toEqual([]);
    expect(lint("import { loadDemo } from '../demo/load.js';", 'src/cli/demo-load.ts')).toEqual([]);
    expect(lint("import { cli } from '../cli/main.js';", 'src/store/a.test.ts')).toEqual([]);
  });

  it('keeps database drivers in the store and in connectors that read a vendor database', () => {
    expect(lint("import pg from 'pg';", 'src/metrics/x.ts')[0]?.message).toMatch(/database driver pg/);
    expect(lint("import { createClient } from '@clickhouse/client';", 'src/server/x.ts')).toHaveLength(1);
    expect(lint("import { DuckDBInstance } from '@duckdb/node-api';", 'src/store/duckdb/x.ts')).toEqual([]);
    expect(lint("import pg from 'pg';", 'src/connectors/litellm/spend-logs-reader.ts')).toEqual([]);
  });

  it('refuses a src/ folder that is not in the layer table', () => {
    expect(lint("import { a } from '../domain/a.js';", 'src/newthing/x.ts')[0]?.message).toMatch(
      /not in the layer table/,
    );
  });

  it('has a place for every src/ folder (the lint run, `npm run lint`, holds every file to it)', () => {
    const folders = readdirSync('src', { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders.length).toBeGreaterThan(10);
    expect(folders.map((d) => d.name).filter((n) => !(n in ALLOWED))).toEqual([]);
  });
});
