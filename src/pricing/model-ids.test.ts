import { describe, expect, it } from 'vitest';
import { alternativeIds } from './model-ids.js';

describe('alternativeIds', () => {
  it.each([
    [null, 'anthropic/claude-sonnet-4-6', { provider: 'anthropic', model: 'claude-sonnet-4-6' }],
    ['openai', 'openai/gpt-5', { provider: 'openai', model: 'gpt-5' }],
    ['google', 'models/gemini-2.5-pro', { provider: 'google', model: 'gemini-2.5-pro' }],
    [
      'google',
      'projects/p/locations/l/publishers/google/models/gemini-2.5-pro',
      { provider: 'google', model: 'gemini-2.5-pro' },
    ],
    [
      null,
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      { provider: 'aws', model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0' },
    ],
    [
      null,
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-1-20250805-v1:0',
      { provider: 'aws', model: 'anthropic.claude-opus-4-1-20250805-v1:0' },
    ],
    ['openai', 'gpt-5[beta]', { provider: 'openai', model: 'gpt-5' }],
    // GitHub Copilot: the reseller's provider name and Copilot's dotted Claude versions
    [null, 'claude-sonnet-4.5', { provider: null, model: 'claude-sonnet-4-5' }],
    ['github', 'claude-sonnet-4.5', { provider: 'anthropic', model: 'claude-sonnet-4-5' }],
    ['github', 'claude-opus-4.6-1m', { provider: 'anthropic', model: 'claude-opus-4-6-1m' }],
    ['github', 'gpt-5.3-codex', { provider: 'openai', model: 'gpt-5.3-codex' }],
    ['github-copilot', 'gemini-2.5-pro', { provider: 'google', model: 'gemini-2.5-pro' }],
  ])('%s %s', (provider, model, expected) => {
    expect(alternativeIds(provider, model)).toContainEqual(expected);
  });

  it('leaves plain ids and unknown prefixes alone, and keeps -fast', () => {
    expect(alternativeIds('anthropic', 'claude-sonnet-4-6')).toEqual([]);
    expect(alternativeIds(null, 'meta-llama/llama-3.1-8b-instruct')).toEqual([]);
    expect(alternativeIds('anthropic', 'claude-opus-4-6-fast')).toEqual([]);
    // OpenAI's versions are dotted: never dashed
    expect(alternativeIds('openai', 'gpt-5.4')).toEqual([]);
  });
});
