/**
 * The bad-input corpus (issue 19): every case is one bad row written beside GOOD good rows, in the format of
 * its ingest path. `expect` is the documented outcome: `rejected` naming `field`, or `accepted`. Cases are
 * built from tables (field × bad value) so a new field or bound adds its cases in one line.
 */
export type UsagePath = 'usage-csv' | 'usage-jsonl' | 'usage-parquet';
export type Path = UsagePath | 'focus-csv' | 'outcomes-jsonl';

export interface Case {
  id: string;
  path: Path;
  /** The bad row's fields (column → text), or raw text for structural cases. */
  row: Record<string, string> | { raw: string | Buffer };
  expect: { outcome: 'rejected'; field: string | null } | { outcome: 'accepted' };
}

export const GOOD = 3;

const TOKEN_FIELDS = [
  'input_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'output_tokens',
  'reasoning_tokens',
  'requests',
];
const BAD_COUNTS = [
  '10.5',
  '-5',
  '9e18',
  '9000000000000000000',
  '2000000000000',
  'NaN',
  'Infinity',
  'abc',
  '1e3',
  '-0.5',
  '1,000',
  '0x10',
];
const BAD_COSTS = ['99999999999', '99999999.5', '10000000.01', '-5', 'NaN', 'abc', '1e20'];
const BAD_TIMES = [
  '9999-12-31T00:00:00Z',
  '1900-01-01T00:00:00Z',
  '2014-12-31T23:00:00Z',
  '2026-02-30T10:00:00Z',
  '2026-13-01T10:00:00Z',
  'garbage',
  '2099-01-01T00:00:00Z',
];

export function usageRow(i: number, marker: string): Record<string, string> {
  return {
    timestamp: `2026-0${(i % 9) + 1}-1${i % 9}T10:00:00Z`,
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    input_tokens: String(100 + i),
    output_tokens: '20',
    session_id: marker,
  };
}

function usageCases(path: UsagePath): Case[] {
  const out: Case[] = [];
  const base = usageRow(0, 'bad');
  // CSV takes every count field × bad value; JSONL and Parquet (the same bounds, other readers) three fields.
  const fields = path === 'usage-csv' ? TOKEN_FIELDS : ['input_tokens', 'output_tokens', 'requests'];
  for (const f of fields)
    for (const v of BAD_COUNTS)
      out.push({
        id: `${path}:${f}=${v}`,
        path,
        row: { ...base, [f]: v },
        expect: { outcome: 'rejected', field: f },
      });
  for (const v of BAD_COSTS)
    out.push({
      id: `${path}:cost_usd=${v}`,
      path,
      row: { ...base, cost_usd: v },
      expect: { outcome: 'rejected', field: 'cost_usd' },
    });
  out.push({
    id: `${path}:billed credit -5`,
    path,
    row: { ...base, cost_usd: '-5', cost_basis: 'billed' },
    expect: { outcome: 'accepted' },
  });
  for (const v of BAD_TIMES)
    out.push({
      id: `${path}:timestamp=${v}`,
      path,
      row: { ...base, timestamp: v },
      expect: { outcome: 'rejected', field: 'timestamp' },
    });
  out.push({
    id: `${path}:model missing`,
    path,
    row: { ...base, model: '' },
    expect: { outcome: 'rejected', field: 'model' },
  });
  out.push({
    id: `${path}:model 600 chars`,
    path,
    row: { ...base, model: 'm'.repeat(600) },
    expect: { outcome: 'rejected', field: 'model' },
  });
  out.push({
    id: `${path}:model 3 MB`,
    path,
    row: { ...base, model: 'm'.repeat(3_000_000) },
    expect: { outcome: 'rejected', field: 'model' },
  });
  out.push({
    id: `${path}:cost_basis=free`,
    path,
    row: { ...base, cost_basis: 'free' },
    expect: { outcome: 'rejected', field: 'cost_basis' },
  });
  out.push({
    id: `${path}:billed without cost`,
    path,
    row: { ...base, cost_basis: 'billed' },
    expect: { outcome: 'rejected', field: 'cost_usd' },
  });
  if (path === 'usage-csv') {
    const line = Object.values(base).join(',');
    out.push({
      id: `${path}:extra column`,
      path,
      row: { raw: `${line},EXTRA` },
      expect: { outcome: 'rejected', field: null },
    });
    out.push({
      id: `${path}:missing columns`,
      path,
      row: { raw: '2026-02-10T10:00:00Z,claude' },
      expect: { outcome: 'rejected', field: null },
    });
    out.push({
      id: `${path}:invalid UTF-8`,
      path,
      row: {
        raw: Buffer.concat([
          Buffer.from('2026-02-10T10:00:00Z,claude-'),
          Buffer.from([0xff, 0xfe]),
          Buffer.from(',anthropic,1,5,bad'),
        ]),
      },
      expect: { outcome: 'rejected', field: null },
    });
  }
  if (path === 'usage-jsonl') {
    for (const [name, raw] of [
      ['not JSON', '{"timestamp": '],
      ['an array', '[1,2]'],
      ['a number', '42'],
      ['nested 20,000 deep', '['.repeat(20_000) + ']'.repeat(20_000)],
    ] as const)
      out.push({ id: `${path}:${name}`, path, row: { raw }, expect: { outcome: 'rejected', field: 'json' } });
    out.push({
      id: `${path}:invalid UTF-8`,
      path,
      row: {
        raw: Buffer.concat([
          Buffer.from('{"timestamp":"2026-02-10T10:00:00Z","model":"c'),
          Buffer.from([0xff]),
          Buffer.from('"}'),
        ]),
      },
      expect: { outcome: 'rejected', field: null },
    });
  }
  return out;
}

export function focusRow(i: number, marker: string): Record<string, string> {
  return {
    BilledCost: `${(i + 1) * 1.25}`,
    BillingCurrency: 'USD',
    ChargePeriodStart: `2026-07-0${(i % 8) + 1}T00:00:00Z`,
    ChargePeriodEnd: `2026-07-0${(i % 8) + 1}T01:00:00Z`,
    ServiceCategory: 'AI and Machine Learning',
    ProviderName: 'Microsoft',
    ServiceName: 'Azure OpenAI',
    ConsumedQuantity: '1000',
    ConsumedUnit: 'Tokens',
    x_Model: 'gpt-4.1',
    Tags: JSON.stringify({ workflow: marker }),
  };
}

function focusCases(): Case[] {
  const path = 'focus-csv' as const;
  const base = focusRow(0, 'bad');
  const out: Case[] = [];
  const table: [string, string[]][] = [
    ['ConsumedQuantity', ['-1000', 'NaN', 'Infinity', 'abc', '1e30', '99999999999999']],
    ['BilledCost', ['99999999999', '1e20', 'twelve', '']],
    ['ChargePeriodStart', ['1900-01-01T00:00:00Z', '2026-02-30T00:00:00Z', 'yesterday']],
    ['ChargePeriodEnd', ['9999-12-31T00:00:00Z', '2026-06-30T00:00:00Z']],
    ['Tags', ['[1,2]', 'not json', '"text"', '42']],
    ['BillingCurrency', ['EUR']],
    ['x_Model', ['m'.repeat(600)]],
  ];
  for (const [f, values] of table)
    for (const v of values)
      out.push({
        id: `${path}:${f}=${v.slice(0, 30)}`,
        path,
        row: { ...base, [f]: v },
        expect: { outcome: 'rejected', field: f },
      });
  out.push({
    id: `${path}:credit -3`,
    path,
    row: { ...base, BilledCost: '-3' },
    expect: { outcome: 'accepted' },
  });
  return out;
}

export function outcomeRow(i: number, marker: string): Record<string, string> {
  return {
    at: `2026-06-1${i % 9}T10:00:00Z`,
    workflow: marker,
    kind: 'ticket_resolved',
    count: '1',
    value: '12.50',
  };
}

function outcomeCases(): Case[] {
  const path = 'outcomes-jsonl' as const;
  const base = outcomeRow(0, 'bad');
  const out: Case[] = [];
  const table: [string, string[]][] = [
    [
      'at',
      [
        '9999-12-31T00:00:00Z',
        '1900-01-01',
        '2026-02-30',
        '2026-02-30T10:00:00Z',
        'soon',
        '2026-07-01T10:00:00',
      ],
    ],
    ['count', ['-1', '1.5', '1e12', 'abc', '9999999999999']],
    ['value', ['1e20', '100000000000', 'abc', '-5']],
  ];
  for (const [f, values] of table)
    for (const v of values)
      out.push({
        id: `${path}:${f}=${v}`,
        path,
        row: { ...base, [f]: v },
        expect: { outcome: 'rejected', field: f },
      });
  return out;
}

export const CORPUS: Case[] = [
  ...usageCases('usage-csv'),
  ...usageCases('usage-jsonl'),
  ...usageCases('usage-parquet'),
  ...focusCases(),
  ...outcomeCases(),
];
