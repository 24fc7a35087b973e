import { ALIAS_KINDS, type OrgDirectory, type Person } from '../domain/directory.js';
import { usd, type Usd } from '../domain/money.js';
import type { MultiplierDimension, PriceMultiplier, PriceOverride } from '../domain/prices.js';
import { ALIAS_LISTS } from './alias-lists.js';
import type { FieldPath } from './issue.js';
import type { Locator } from './locate.js';
import type { OrgFile } from './schema.js';

/**
 * Turns a validated file into the directory. Runs only once the file has no issues, so it does not check
 * anything; what it does carefully is read numbers back from their YAML source text: money as decimal
 * (`0.1` is one tenth, not 0.1000000000000000055…) and numeric ids without float rounding.
 */
export function toDirectory(f: OrgFile, at: Locator, file: string): OrgDirectory {
  const money = (path: FieldPath, value: number | string): Usd =>
    usd(at.numberSource(path) ?? String(value).trim());
  const optionalMoney = (path: FieldPath, value: number | string | undefined): Usd | null =>
    value === undefined ? null : money(path, value);
  const text = (path: FieldPath, value: number | string): string =>
    typeof value === 'number' ? (at.numberSource(path) ?? String(value)) : value;

  const people: Person[] = f.people.map((p, i) => ({
    id: p.id,
    name: p.name,
    team: p.team ?? null,
    aliases: ALIAS_KINDS.flatMap((kind) =>
      (p[ALIAS_LISTS[kind]] ?? []).map((v, j) => ({
        kind,
        value: text(['people', i, ALIAS_LISTS[kind], j], v).trim(),
      })),
    ),
  }));

  const priceOverrides = f.price_overrides.map((o, i): PriceOverride => {
    const path = (k: string): FieldPath => ['price_overrides', i, k];
    const dates = { from: o.from ?? null, until: o.until ?? null };
    if (o.discount_percent !== undefined) {
      // The file says 15 (percent); the domain holds the fraction 0.15, divided exactly.
      const percent = money(path('discount_percent'), o.discount_percent).dividedBy(100);
      return { kind: 'discount', provider: o.provider ?? '', percent, ...dates };
    }
    return {
      kind: 'model_price',
      provider: o.provider ?? null,
      model: o.model ?? '',
      prices: {
        inputMtok: money(path('input_per_mtok'), o.input_per_mtok ?? 0),
        outputMtok: money(path('output_per_mtok'), o.output_per_mtok ?? 0),
        cacheReadMtok: optionalMoney(path('cache_read_per_mtok'), o.cache_read_per_mtok),
        cacheWriteMtok: optionalMoney(path('cache_write_per_mtok'), o.cache_write_per_mtok),
      },
      ...dates,
    };
  });

  const priceMultipliers = f.price_multipliers.map((m, i): PriceMultiplier => {
    const [dimension, value]: [MultiplierDimension, string] =
      m.service_tier !== undefined
        ? ['serviceTier', m.service_tier.trim().toLowerCase()]
        : m.inference_geo !== undefined
          ? ['geo', m.inference_geo.trim().toLowerCase()]
          : m.speed !== undefined
            ? ['speed', m.speed.trim().toLowerCase()]
            : ['batch', String(m.batch ?? true)];
    return {
      provider: m.provider ?? null,
      dimension,
      value,
      factor: money(['price_multipliers', i, 'factor'], m.factor),
      source: `org:price_multipliers[${i}]`,
      from: m.from ?? null,
      until: m.until ?? null,
    };
  });

  return {
    file,
    org: f.org,
    timeZone: f.time_zone,
    teams: f.teams.map((t, i) => ({
      id: t.id,
      name: t.name,
      loadedCostPerEngineer: optionalMoney(
        ['teams', i, 'loaded_cost_per_engineer'],
        t.loaded_cost_per_engineer,
      ),
      // Absent unless written, so a directory without governance reads as before.
      ...(t.coach ? { coach: t.coach } : {}),
      ...(t.manager ? { manager: t.manager } : {}),
    })),
    people,
    keys: f.keys.map((k, i) => ({
      id: text(['keys', i, 'id'], k.id).trim(),
      name: k.name,
      owner: k.owner ?? null,
      team: k.team ?? null,
      workflow: k.workflow ?? null,
      workloadType: k.workload_type ?? null,
    })),
    workflows: f.workflows.map((w) => ({
      id: w.id,
      name: w.name,
      outcomeKind: w.outcome_kind ?? null,
      qualityBar: w.quality_bar ?? null,
      team: w.team ?? null,
    })),
    seats: f.seats.map((s, i) => ({
      tool: s.tool,
      plan: s.plan ?? null,
      monthlyPrice: money(['seats', i, 'monthly_price'], s.monthly_price),
      // `all` is expanded now: the directory is re-read on every run, so new people get a seat with it.
      assignees: s.assignees === 'all' ? people.map((p) => p.id) : s.assignees,
      from: s.from ?? null,
      until: s.until ?? null,
    })),
    accounts: f.accounts.map((a) => ({ tool: a.tool, stream: a.stream })),
    priceOverrides,
    priceMultipliers,
    privacy: { individuals: f.privacy.individuals, minGroupSize: f.privacy.min_group_size },
    sources: Object.keys(f.sources),
    notify: {
      slackWebhookEnv: f.notify.slack?.webhook_env ?? null,
      ...(f.notify.teams ? { teamsWebhookEnv: f.notify.teams.webhook_env } : {}),
      ...(f.notify.email
        ? {
            email: {
              host: f.notify.email.host,
              port: f.notify.email.port,
              secure: f.notify.email.secure,
              from: f.notify.email.from,
              to: f.notify.email.to ?? [],
              userEnv: f.notify.email.user_env ?? null,
              passwordEnv: f.notify.email.password_env ?? null,
            },
          }
        : {}),
      ...(f.notify.webhook
        ? { webhook: { urlEnv: f.notify.webhook.url_env, secretEnv: f.notify.webhook.secret_env } }
        : {}),
    },
    server: {
      host: f.server.host ?? null,
      port: f.server.port ?? null,
      syncIntervalMinutes: f.server.sync_interval_minutes ?? null,
      ingestRequestsPerMinute: f.server.ingest_requests_per_minute ?? null,
      publicNames: f.server.public_names ?? [],
      otlpTokenRequired: f.server.otlp_token_required ?? false,
    },
    delivery: { trunkBased: f.delivery.trunk_based ?? [] },
    workloadBands: f.workload_types.map((w) => ({
      type: w.type,
      low: w.tokens_per_dollar.low,
      high: w.tokens_per_dollar.high,
    })),
  };
}
