import { describe, expect, it } from 'vitest';
import { listCatalogModels } from '../pricing/index.js';
import { modelVersion, newerInFamily } from './plan-reaudit.js';

describe('newerInFamily', () => {
  it('reads family and version from model ids, dated snapshots as their alias', () => {
    expect(modelVersion('claude-haiku-4-5')).toEqual({ family: 'claude-haiku', version: [4, 5] });
    expect(modelVersion('claude-haiku-4-5-20251001')).toEqual({ family: 'claude-haiku', version: [4, 5] });
    expect(modelVersion('gpt-4.1-mini')).toBeNull();
    expect(modelVersion('gemini-2.5-flash')).toBeNull();
  });

  it('finds a newer model of the same family only', () => {
    const catalog = [
      'claude-haiku-4-5',
      'claude-haiku-4-6',
      'claude-haiku-4-6-20260101',
      'claude-sonnet-5',
      'claude-haiku-3',
    ];
    expect(newerInFamily('claude-haiku-4-5', catalog)).toBe('claude-haiku-4-6');
    expect(newerInFamily('claude-haiku-4-6', catalog)).toBeNull();
    expect(newerInFamily('claude-sonnet-4-5', catalog)).toBe('claude-sonnet-5');
  });

  it('on the shipped catalog: Opus 4.1 has newer Opus models, and the answer is one of them', () => {
    const catalog = listCatalogModels('anthropic');
    const newer = newerInFamily('claude-opus-4-1', catalog);
    expect(newer).not.toBeNull();
    expect(catalog).toContain(newer);
    expect(modelVersion(newer ?? '')?.family).toBe('claude-opus');
  });
});
