import { DIRECT_PROVIDERS, genaiProviderId } from './provider-ids.js';

/** A (provider, model) spelling to look up in the price tables. */
export interface LookupKey {
  provider: string | null;
  model: string;
}

const KNOWN_VENDORS = new Set<string>(DIRECT_PROVIDERS);

/** Bedrock writes `[<region>.]<vendor>.<model>[-v1:0]`, e.g. `us.anthropic.claude-sonnet-4-5-20250929-v1:0`. */
const BEDROCK_ID =
  /^(?:(?:us|eu|apac|au|jp|ca|in|us-gov|global)\.)?(?:anthropic|amazon|meta|mistral|cohere|openai|deepseek|qwen|ai21|writer)\.[^/\s]+$/;
const BEDROCK_ARN = /^arn:aws:bedrock:[^:]*:[^:]*:foundation-model\/(.+)$/;

/**
 * Resellers that bill vendors' models under their own provider name: GitHub Copilot's spans say
 * `gen_ai.provider.name: "github"`. Token list prices are then the vendor's, found from the model id.
 */
const RESELLERS = new Set(['github', 'github-copilot']);
const VENDOR_OF_MODEL: readonly [RegExp, string][] = [
  [/^claude-/, 'anthropic'],
  [/^(gpt-|o\d|codex-)/, 'openai'],
  [/^gemini-/, 'google'],
  [/^grok-/, 'x-ai'],
];

/**
 * Other spellings of a model id to try when genai-prices does not match it as written, in order. Only tried
 * on a miss, so an id that genai-prices knows (OpenRouter's `anthropic/claude-sonnet-4.5`) is never rewritten.
 *
 * genai-prices already handles what vendors write most often: dated snapshots (`claude-opus-4-1-20250805`,
 * `gpt-5-2025-08-07`, and `-YYYYMMDD` → `-YYYY-MM-DD`), Vertex `@date` suffixes, `[1m]` after Claude ids
 * (its Anthropic matchers are prefixes) and case. What it misses are wrappers around the id:
 * - `[1m]`-style markers after ids whose matchers are exact (`equals`);
 * - resource paths: Gemini's `models/gemini-2.5-pro`, Vertex's `publishers/google/models/…`;
 * - gateway prefixes `anthropic/claude-sonnet-4-6`, `openai/gpt-5` (the prefix then names the provider);
 * - Bedrock ids and foundation-model ARNs recorded without a provider;
 * - Claude ids with dotted versions as GitHub Copilot writes them (`claude-sonnet-4.5` for Anthropic's
 *   `claude-sonnet-4-5`), and a reseller's provider name (`github`) in place of the vendor's.
 * We do not strip suffixes such as `-fast`: a faster tier is priced differently, and a wrong price is worse
 * than an unpriced record that `mileage prices check` reports.
 */
export function alternativeIds(provider: string | null, model: string): LookupKey[] {
  const out: LookupKey[] = [];
  const add = (p: string | null, m: string): void => {
    if (m.length === 0 || (p === provider && m === model)) return;
    if (!out.some((k) => k.provider === p && k.model === m)) out.push({ provider: p, model: m });
  };

  const bare = model.trim().replace(/\[[^\]]*\]$/, '');
  add(provider, bare);

  const arn = BEDROCK_ARN.exec(bare);
  if (arn?.[1]) add(provider ?? 'aws', arn[1]);

  const modelsAt = bare.lastIndexOf('models/');
  if (modelsAt >= 0) add(provider, bare.slice(modelsAt + 'models/'.length));

  const slash = bare.indexOf('/');
  if (slash > 0) {
    const vendor = genaiProviderId(bare.slice(0, slash));
    if (KNOWN_VENDORS.has(vendor)) add(provider ?? vendor, bare.slice(slash + 1));
  }

  if (provider === null && BEDROCK_ID.test(bare)) add('aws', bare);

  const dashed = /^claude-/i.test(bare) ? bare.replace(/(\d)\.(?=\d)/g, '$1-') : bare;
  if (dashed !== bare) add(provider, dashed);
  if (provider !== null && RESELLERS.has(genaiProviderId(provider))) {
    const vendor = VENDOR_OF_MODEL.find(([pattern]) => pattern.test(bare.toLowerCase()))?.[1];
    if (vendor) {
      add(vendor, bare);
      add(vendor, dashed);
    }
  }
  return out;
}
