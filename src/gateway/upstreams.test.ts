import { describe, expect, it } from 'vitest';
import { routeOf, upstreamPath, upstreamsFromEnv, type Upstream } from './upstreams.js';

const azure = (apiVersion: string | null): Upstream => ({
  provider: 'azure',
  base: new URL('https://acme.openai.azure.com'),
  credential: 'x',
  apiVersion,
});

describe('Azure OpenAI routes', () => {
  it('reads the deployment from the path the AzureOpenAI clients build, and nothing else under /openai/', () => {
    expect(routeOf('/openai/deployments/gpt-4o%20eu/chat/completions')).toEqual({
      provider: 'azure',
      api: 'openai-chat',
      metered: true,
      deployment: 'gpt-4o eu',
    });
    expect(routeOf('/openai/deployments/o3/responses')?.api).toBe('openai-responses');
    expect(routeOf('/openai/v1/chat/completions')).toEqual({
      provider: 'azure',
      api: 'openai-chat',
      metered: true,
    });
    expect(routeOf('/openai/deployments/o3/embeddings')).toBeNull();
    expect(routeOf('/openai/deployments/a/b/chat/completions')).toBeNull();
    expect(routeOf('/openai/deployments/%E0%A4%A/chat/completions')).toBeNull();
  });

  it('adds the configured api-version only where the client sent none and the path needs one', () => {
    const path = '/openai/deployments/gpt-4o/chat/completions';
    expect(upstreamPath(azure('2024-10-21'), path, '')).toBe(`${path}?api-version=2024-10-21`);
    expect(upstreamPath(azure('2024-10-21'), path, '?api-version=2025-01-01-preview')).toBe(
      `${path}?api-version=2025-01-01-preview`,
    );
    expect(upstreamPath(azure('2024-10-21'), '/openai/v1/responses', '')).toBe('/openai/v1/responses');
    expect(upstreamPath(azure(null), path, '?x=1')).toBe(`${path}?x=1`);
  });

  it('is on only when the environment names the resource, with each upstream’s billing stream', () => {
    expect(upstreamsFromEnv({}).azure).toBeUndefined();
    const ups = upstreamsFromEnv({
      MILEAGE_GATEWAY_AZURE_URL: 'https://acme.openai.azure.com',
      AZURE_OPENAI_API_KEY: 'k',
      MILEAGE_GATEWAY_ANTHROPIC_STREAM: 'anthropic:acme:default',
    });
    expect(ups.azure).toMatchObject({ provider: 'azure', credential: 'k', stream: null });
    expect(ups.anthropic.stream).toBe('anthropic:acme:default');
    expect(ups.openai.stream).toBeNull();
  });
});
