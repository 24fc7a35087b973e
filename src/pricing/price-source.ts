/**
 * Where a price came from, in words, from the reference stored with every cost (`price_ref`): the price
 * library's name, version and table, the org file's override, GitHub Copilot's billing units, or a vendor's
 * own report. The references are written by catalog.ts (`genai-prices@<version>:<provider>/<model>`),
 * overrides.ts (`override:discount:<provider>:<percent>%+<list ref>`, `override:model:<model>`) and
 * domain/copilot-billing.ts (`github-ai-credits:<credits>@<usd>`, `github-premium-requests:<n>@<usd> (<source>)`).
 */
export type PriceSource =
  | { kind: 'library'; library: string; version: string; table: string }
  | { kind: 'org_discount'; provider: string; percent: string; list: PriceSource | null }
  | { kind: 'org_model_price'; model: string }
  | { kind: 'copilot_credits'; credits: string; usdPerCredit: string }
  | { kind: 'copilot_premium_requests'; requests: string; usdPerRequest: string; rateFrom: string }
  | { kind: 'other'; ref: string };

export function priceSourceOf(ref: string): PriceSource {
  const library = /^([^@:]+)@([^:]+):(.+)$/.exec(ref);
  if (library && !ref.startsWith('override:') && !ref.startsWith('github-'))
    return { kind: 'library', library: library[1]!, version: library[2]!, table: library[3]! };
  const discount = /^override:discount:(.*):([\d.]+)%\+(.+)$/.exec(ref);
  if (discount)
    return {
      kind: 'org_discount',
      provider: discount[1]!,
      percent: discount[2]!,
      list: priceSourceOf(discount[3]!),
    };
  const model = /^override:model:(.+)$/.exec(ref);
  if (model) return { kind: 'org_model_price', model: model[1]! };
  const credits = /^github-ai-credits:([\d.]+)@([\d.]+)$/.exec(ref);
  if (credits) return { kind: 'copilot_credits', credits: credits[1]!, usdPerCredit: credits[2]! };
  const premium = /^github-premium-requests:([\d.]+)@([\d.]+)(?: \((.+)\))?$/.exec(ref);
  if (premium)
    return {
      kind: 'copilot_premium_requests',
      requests: premium[1]!,
      usdPerRequest: premium[2]!,
      rateFrom: premium[3] ?? 'github-list',
    };
  return { kind: 'other', ref };
}

/** The source in one line, as `prices explain` prints it. */
export function describePriceSource(source: PriceSource): string {
  switch (source.kind) {
    case 'library':
      return `price library ${source.library} ${source.version}, table ${source.table}`;
    case 'org_discount':
      return `mileage.yaml price_overrides: ${source.percent}% off ${source.provider}${source.list ? `, on the ${describePriceSource(source.list)}` : ''}`;
    case 'org_model_price':
      return `mileage.yaml price_overrides: the org's price for ${source.model}`;
    case 'copilot_credits':
      return `GitHub Copilot AI credits: ${source.credits} credits at $${source.usdPerCredit} (GitHub's published rate)`;
    case 'copilot_premium_requests':
      return `GitHub Copilot premium requests: ${source.requests} at $${source.usdPerRequest} (${source.rateFrom === 'mileage.yaml' ? "the org's rate in mileage.yaml" : "GitHub's list price"})`;
    case 'other':
      return `reported by the source (${source.ref})`;
    default:
      return source satisfies never;
  }
}
