/**
 * Provider names as Mileage writes them (`usage.provider`, the org file) mapped to the provider ids of
 * @pydantic/genai-prices. genai-prices itself accepts its own ids and a few `contains` patterns, but some of
 * those patterns pick the wrong table: `azure-openai` contains "openai" and would be priced at OpenAI's list
 * instead of Azure's, and `bedrock` works only by accident of a substring. Names not listed here are passed
 * through lowercased, so genai-prices ids (`openrouter`, `groq`, …) work as they are.
 */
const ALIASES = {
  anthropic: 'anthropic',
  claude: 'anthropic',
  openai: 'openai',
  google: 'google',
  gemini: 'google',
  'google-ai': 'google',
  'google-vertex': 'google',
  vertex: 'google',
  'vertex-ai': 'google',
  vertex_ai: 'google',
  aws: 'aws',
  bedrock: 'aws',
  'aws-bedrock': 'aws',
  'amazon-bedrock': 'aws',
  azure: 'azure',
  'azure-openai': 'azure',
  'azure-ai': 'azure',
  xai: 'x-ai',
  'x-ai': 'x-ai',
  grok: 'x-ai',
  mistral: 'mistral',
  mistralai: 'mistral',
  deepseek: 'deepseek',
  moonshot: 'moonshotai',
  moonshotai: 'moonshotai',
  zhipu: 'zhipuai',
  zhipuai: 'zhipuai',
  'z-ai': 'zai',
  zai: 'zai',
  copilot: 'github-copilot',
  'github-copilot': 'github-copilot',
  together: 'together',
  'together-ai': 'together',
  fireworks: 'fireworks',
  'fireworks-ai': 'fireworks',
} as const satisfies Record<string, string>;

/** The genai-prices provider id for one of our provider names (lowercased pass-through when not aliased). */
export function genaiProviderId(provider: string): string {
  const key = provider.trim().toLowerCase();
  return (ALIASES as Record<string, string>)[key] ?? key;
}

/** Whether two provider names denote the same price list (`aws-bedrock` and `bedrock`, `gemini` and `google`). */
export function sameProvider(a: string, b: string): boolean {
  return genaiProviderId(a) === genaiProviderId(b);
}

/**
 * Providers whose own model names we suggest when a model is unknown and no provider is given. Resellers and
 * routers (OpenRouter, Hugging Face hosts) are left out: their hundreds of aliases would drown the vendor's
 * own names, and a suggestion should be the name the vendor bills under.
 */
export const DIRECT_PROVIDERS = [
  'anthropic',
  'openai',
  'google',
  'aws',
  'azure',
  'mistral',
  'deepseek',
  'x-ai',
  'cohere',
  'moonshotai',
  'zhipuai',
  'minimax',
  'groq',
  'together',
  'fireworks',
  'cerebras',
] as const;
