import { seatStreamPerTool } from '../seat-streams.js';

/**
 * The ledger as FOCUS 1.2 rows: one row per stream, org-local day, provider, model, tool, team, workflow, PR
 * and basis, costed with what the ledger counts (each dollar once). BilledCost, EffectiveCost, ListCost and
 * ContractedCost all carry that amount (the basis it rests on is x_MileageBasis); the Tags JSON carries team,
 * workflow and PR; x_ columns keep what FOCUS has no column for (tokens by kind, stream, basis), so that a
 * Mileage import of the file gives back the same totals to the cent. The PR is the one the store's
 * session → branch → PR join (`pr_sessions`, outcome-links.ts) gives the entry's record.
 * Unpriced ledger entries have no amount and are left out (counted). Reads $since, $until and $min_group;
 * with `namesPeople` false a seat's stream loses its holder (the same fold as the metrics' stream dimension).
 */
export function focusExportSelect(
  timeZone: string,
  quote: (s: string) => string,
  parquet: boolean,
  namesPeople: boolean,
): string {
  const stream = namesPeople ? 'l.stream' : seatStreamPerTool('l.stream');
  const money = parquet ? 'cost' : 'CAST(cost AS VARCHAR)';
  const utc = (ts: string) => `strftime(CAST(${ts} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%SZ')`;
  const localMidnight = (d: string) => `timezone(${quote(timeZone)}, CAST(${d} AS TIMESTAMP))`;
  return `
WITH entries AS (
  SELECT l.* REPLACE (${stream} AS stream), (SELECT min(o.ref) FROM pr_sessions ps JOIN outcomes o ON o.id = ps.pr_id
      WHERE ps.record_id = l.record_id) AS pr
  FROM ledger l
  WHERE NOT l.unpriced AND ($since IS NULL OR l.day >= CAST($since AS DATE)) AND ($until IS NULL OR l.day < CAST($until AS DATE))
),
small_teams AS (
  SELECT team_id FROM entries WHERE team_id IS NOT NULL
  GROUP BY team_id HAVING count(DISTINCT person_id) < CAST($min_group AS INTEGER)
),
grouped AS (
  SELECT stream, day, provider, model, tool,
    CASE WHEN team_id IN (SELECT team_id FROM small_teams) THEN 'other' ELSE team_id END AS team_id,
    workflow_id, pr, basis,
    CAST(sum(cost) AS DECIMAL(18,10)) AS cost, sum(input_tokens) AS input_tokens,
    sum(cache_read_tokens) AS cache_read_tokens, sum(cache_write_tokens) AS cache_write_tokens,
    sum(output_tokens) AS output_tokens, sum(reasoning_tokens) AS reasoning_tokens, sum(requests) AS requests
  FROM entries GROUP BY ALL
)
SELECT ${money} AS BilledCost, ${money} AS EffectiveCost, ${money} AS ListCost, ${money} AS ContractedCost,
  'USD' AS BillingCurrency, stream AS BillingAccountId, stream AS BillingAccountName,
  ${utc(localMidnight(`date_trunc('month', day)`))} AS BillingPeriodStart,
  ${utc(localMidnight(`date_trunc('month', day) + INTERVAL 1 MONTH`))} AS BillingPeriodEnd,
  ${utc(localMidnight('day'))} AS ChargePeriodStart,
  ${utc(localMidnight('day + INTERVAL 1 DAY'))} AS ChargePeriodEnd,
  'Usage' AS ChargeCategory, NULL AS ChargeClass,
  coalesce(model, 'unknown model') || ' usage (Mileage ledger, ' || basis || ')' AS ChargeDescription,
  'Usage-Based' AS ChargeFrequency,
  input_tokens + cache_read_tokens + cache_write_tokens + output_tokens AS ConsumedQuantity, 'Tokens' AS ConsumedUnit,
  input_tokens + cache_read_tokens + cache_write_tokens + output_tokens AS PricingQuantity, 'Tokens' AS PricingUnit,
  coalesce(provider, 'unknown') AS InvoiceIssuerName, coalesce(provider, 'unknown') AS ProviderName,
  coalesce(provider, 'unknown') AS PublisherName,
  'AI and Machine Learning' AS ServiceCategory, 'Generative AI' AS ServiceSubcategory,
  coalesce(tool, provider, 'unknown') AS ServiceName, model AS SkuId, model AS ResourceName,
  to_json(json_object('team', team_id, 'workflow', workflow_id, 'pr', pr)) AS Tags,
  stream AS x_MileageStream, basis AS x_MileageBasis, provider AS x_Provider, model AS x_Model, tool AS x_Tool,
  input_tokens AS x_InputTokens, cache_read_tokens AS x_CacheReadTokens, cache_write_tokens AS x_CacheWriteTokens,
  output_tokens AS x_OutputTokens, reasoning_tokens AS x_ReasoningTokens, requests AS x_Requests
FROM grouped ORDER BY day, stream, provider, model, tool, team_id, workflow_id, pr, basis`;
}
