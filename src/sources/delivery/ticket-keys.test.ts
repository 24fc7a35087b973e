import { describe, expect, it } from 'vitest';
import { closingKeys, ticketKeys } from './ticket-keys.js';

describe('ticket keys', () => {
  it.each([
    [['BILL-231 Invoice PDF export', 'feat/BILL-231-pdf'], ['BILL-231']],
    [
      ['Fix OPS-7 and OPS-8', 'ops-9-lowercase'],
      ['OPS-7', 'OPS-8'],
    ],
    [['Support UTF-8 and SHA-256 (CVE-2026-1234)', 'chore/ISO-8601'], []],
    [['[A2B-12] thing', 'XBILL-231x'], ['A2B-12']],
    [['Revert "BILL-1 thing"', ''], ['BILL-1']],
  ])('%j → %j', (texts, keys) => {
    expect(ticketKeys(...texts)).toEqual(keys);
  });
});

describe('closing references', () => {
  it.each([
    ['feat: export\n\nFixes BILL-7', ['BILL-7']],
    ['x\n\ncloses: OPS-3, OPS-4\nResolved BILL-9 and BILL-10', ['OPS-3', 'OPS-4', 'BILL-9', 'BILL-10']],
    ['Fix typo in BILL-7 docs', []],
    ['fixes #12 and mentions BILL-8', []],
    ['Fixed the-1 and UTF-8', []],
  ])('%j → %j', (message, keys) => {
    expect(closingKeys(message)).toEqual(keys);
  });
});
