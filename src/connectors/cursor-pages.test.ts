import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { MileageError } from '../domain/errors.js';
import { cursorPages, expectPage, field, pageHigh } from './cursor-pages.js';

/** Three pages of a listing; records every position it was asked for. */
function listing(asked: unknown[]) {
  return cursorPages({
    position: z.object({ page: z.number().int().positive() }),
    start: () => ({ page: 1 }),
    read: (at: { page: number }) => {
      asked.push(at);
      return Promise.resolve({ problems: [], high: null, next: at.page < 3 ? { page: at.page + 1 } : null });
    },
  });
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('cursorPages', () => {
  it('hands each page on with the next position as JSON, and stops at the page without one', async () => {
    const asked: unknown[] = [];
    const pages = await all(listing(asked)({ position: null }));
    expect(pages.map((p) => p.next)).toEqual(['{"page":2}', '{"page":3}', null]);
    expect(asked).toEqual([{ page: 1 }, { page: 2 }, { page: 3 }]);
  });

  it('resumes at a stored position; an unreadable one starts over', async () => {
    const resumed: unknown[] = [];
    await all(listing(resumed)({ position: '{"page":3}' }));
    expect(resumed).toEqual([{ page: 3 }]);
    for (const bad of ['{not json', '{"page":"two"}', '"c42"']) {
      const asked: unknown[] = [];
      await all(listing(asked)({ position: bad }));
      expect(asked[0]).toEqual({ page: 1 });
    }
  });

  it("a 'text' position keeps the API's own token as is", async () => {
    const tokens: string[] = [];
    const pages = await all(
      cursorPages({
        position: 'text',
        start: () => '',
        read: (at: string) => {
          tokens.push(at);
          return Promise.resolve({ problems: [], high: null, next: at === '' ? 'CAEaAggD' : null });
        },
      })({ position: null }),
    );
    expect(pages.map((p) => p.next)).toEqual(['CAEaAggD', null]);
    expect(tokens).toEqual(['', 'CAEaAggD']);
  });

  it('stops before the next request once aborted', async () => {
    const asked: unknown[] = [];
    const controller = new AbortController();
    const pages: unknown[] = [];
    const run = async () => {
      for await (const p of listing(asked)({ position: null }, controller.signal)) {
        pages.push(p);
        controller.abort(new Error('stop'));
      }
    };
    await expect(run()).rejects.toThrow('stop');
    expect(asked).toHaveLength(1);
  });
});

describe('expectPage and pageHigh', () => {
  it('an answer of the wrong shape is an upstream error naming method, host and path only', () => {
    const url = new URL('https://api.example.com/v1/items?token=s3cret');
    const error = (() => {
      try {
        expectPage(z.object({ items: z.array(z.unknown()) }), { nope: 1 }, 'GET', url, 'an item page');
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(MileageError);
    expect((error as MileageError).message).toBe('GET api.example.com/v1/items: expected an item page');
  });

  it('the newest instant among items, text or epoch milliseconds, ignoring bad ones', () => {
    const high = pageHigh(
      [{ at: '2026-07-01T10:00:00Z' }, { at: Date.parse('2026-07-02T08:00:00Z') }, { at: 'soon' }, null, 7],
      field('at'),
    );
    expect(high?.toISOString()).toBe('2026-07-02T08:00:00.000Z');
  });
});
