import { recordId } from '../domain/ids.js';
import { usd, type Usd } from '../domain/money.js';
import type { Cost, TokenCounts, UsageRecord } from '../domain/usage.js';
import { attributes, attributesKey, isBad, text, type Attributes } from './attributes.js';
import { CLAUDE_CODE_OTEL } from './claude-code.js';
import type { CumulativeSeries } from './cumulative.js';
import { emptyDecoded, merged, reject, type Decoded } from './decoded.js';
import { enumNumber, envelopeItems, isObject, nanosText, type Raw } from './envelope.js';
import { GEMINI_CLI_OTEL, geminiTokens } from './gemini-cli.js';
import { actorOf } from './identity.js';

/**
 * The agents' usage counters (reference §2.1, §2.3). A family has a token counter split by a type
 * attribute and, for Claude Code, a cost counter (its own list-price estimate in USD, provider_reported).
 * Points of one family with the same attributes (type aside) and interval become one record.
 */
interface Family {
  source: string;
  tool: string;
  provider: string;
  tokenMetric: string;
  typeAttribute: string;
  costMetric: string | null;
  tokens: (byType: ReadonlyMap<string, number>) => TokenCounts;
}

const n = (m: ReadonlyMap<string, number>, k: string) => m.get(k) ?? 0;

const FAMILIES = [
  {
    source: CLAUDE_CODE_OTEL,
    tool: 'claude-code',
    provider: 'anthropic',
    tokenMetric: 'claude_code.token.usage',
    typeAttribute: 'type',
    costMetric: 'claude_code.cost.usage',
    // Anthropic's meaning already: input is uncached; the type values are camelCase.
    tokens: (t) => ({
      input: n(t, 'input'),
      cacheRead: n(t, 'cacheRead'),
      cacheWrite: n(t, 'cacheCreation'),
      output: n(t, 'output'),
      reasoning: 0,
    }),
  },
  {
    source: GEMINI_CLI_OTEL,
    tool: 'gemini-cli',
    provider: 'google',
    tokenMetric: 'gemini_cli.token.usage',
    typeAttribute: 'type',
    costMetric: null,
    tokens: (t) =>
      geminiTokens({
        input: n(t, 'input'),
        cached: n(t, 'cache'),
        output: n(t, 'output'),
        thoughts: n(t, 'thought'),
        tool: n(t, 'tool'),
      }),
  },
] as const satisfies readonly Family[];

const BY_METRIC = new Map<string, { family: Family; kind: 'tokens' | 'cost' }>();
for (const family of FAMILIES) {
  BY_METRIC.set(family.tokenMetric, { family, kind: 'tokens' });
  if (family.costMetric) BY_METRIC.set(family.costMetric, { family, kind: 'cost' });
}

const TEMPORALITY = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
} as const;

interface Group {
  family: Family;
  key: string;
  attrs: Attributes;
  fromNs: bigint;
  toNs: bigint;
  byType: Map<string, Usd>;
  cost: Usd | null;
}

/**
 * An ExportMetricsServiceRequest (`/v1/metrics`) to usage records. Only the agents' token and cost counters
 * are read (sums, delta or cumulative); every other metric is ignored. Cumulative points become deltas
 * through `series`, which the caller keeps between requests. The records have granularity `session`: they
 * are coarser than the per-request events of the same agent and are kept only for sessions that send no
 * events (the rule is applied when they are stored, see server/usage-writer.ts). Records with nothing in
 * them (a cumulative point that did not move) are dropped. Throws MalformedPayload on a broken envelope.
 */
export function decodeMetrics(doc: unknown, file: string, series: CumulativeSeries): Decoded {
  const out = emptyDecoded();
  const metrics = envelopeItems(doc, {
    resources: 'resourceMetrics',
    scopes: 'scopeMetrics',
    items: 'metrics',
  });
  const groups = new Map<string, Group>();
  for (const { scope, raw, path } of metrics) {
    const points = dataPointsOf(raw);
    out.items += points?.points.length ?? 0;
    const known = typeof raw.name === 'string' ? BY_METRIC.get(raw.name) : undefined;
    if (!known || !points) continue;
    if (points.malformed) {
      // Said, never skipped: a metric Mileage reads whose points are not a list is a broken item.
      out.items += 1;
      reject(out, file, `${path}.sum.dataPoints`, 'expected an array of data points');
      continue;
    }
    const temporality = enumNumber(points.temporality, TEMPORALITY);
    const resourceKey = attributesKey(scope.resource);
    points.points.forEach((p, i) => {
      const at = `${path}.sum.dataPoints[${i}]`;
      if (!isObject(p)) {
        reject(out, file, at, 'expected a data point');
        return;
      }
      const own = attributes(p.attributes);
      if (isBad(own)) {
        reject(out, file, `${at}.${own.bad}`, 'not a KeyValue');
        return;
      }
      const value = pointValue(p);
      if (typeof value === 'string') {
        reject(out, file, at, value);
        return;
      }
      const timeNs = nanos(p.timeUnixNano);
      const startNs = nanos(p.startTimeUnixNano);
      if (timeNs === 0n) {
        reject(out, file, `${at}.timeUnixNano`, 'missing or invalid time');
        return;
      }
      const family = known.family;
      const type = known.kind === 'tokens' ? text(own, family.typeAttribute) : undefined;
      if (known.kind === 'tokens' && !type) {
        reject(out, file, `${at}.attributes`, `${family.tokenMetric} without a "${family.typeAttribute}"`);
        return;
      }
      let fromNs: bigint;
      let delta: Usd;
      if (temporality === TEMPORALITY.AGGREGATION_TEMPORALITY_DELTA) {
        fromNs = startNs > 0n && startNs <= timeNs ? startNs : timeNs;
        delta = value;
      } else if (temporality === TEMPORALITY.AGGREGATION_TEMPORALITY_CUMULATIVE) {
        const d = series.delta(
          `${raw.name as string}|${resourceKey}|${attributesKey(own)}`,
          startNs,
          timeNs,
          value,
        );
        if (!d) return; // already counted: a retried or out-of-order export
        fromNs = d.fromNs;
        delta = d.value;
      } else {
        reject(out, file, `${path}.sum.aggregationTemporality`, 'unspecified temporality');
        return;
      }
      const rest = attributesKey(own, new Set([family.typeAttribute]));
      const key = `${family.source}|${resourceKey}|${rest}|${fromNs}|${timeNs}`;
      let g = groups.get(key);
      if (!g) {
        const attrs = new Map(own);
        attrs.delete(family.typeAttribute);
        g = {
          family,
          key,
          attrs: merged(scope.resource, attrs),
          fromNs,
          toNs: timeNs,
          byType: new Map(),
          cost: null,
        };
        groups.set(key, g);
      }
      if (type) g.byType.set(type, (g.byType.get(type) ?? usd(0)).plus(delta));
      else g.cost = (g.cost ?? usd(0)).plus(delta);
    });
  }
  for (const g of groups.values()) {
    const record = toRecord(g);
    if (record) out.records.push(record);
  }
  return out;
}

function dataPointsOf(metric: Raw): { points: unknown[]; temporality: unknown; malformed: boolean } | null {
  // Counters are sums; the agents' gauges and histograms carry no spend.
  const sum = metric.sum;
  if (!isObject(sum)) return null;
  const listed = sum.dataPoints;
  return {
    points: Array.isArray(listed) ? listed : [],
    temporality: sum.aggregationTemporality,
    malformed: listed !== undefined && listed !== null && !Array.isArray(listed),
  };
}

function nanos(v: unknown): bigint {
  const t = nanosText(v);
  return /^\d+$/.test(t) ? BigInt(t) : 0n;
}

/** A point's value as exact decimal (asDouble's shortest text, asInt's digits), or why it is refused. */
function pointValue(p: Raw): Usd | string {
  const raw = p.asDouble ?? p.asInt;
  let t: string;
  if (typeof raw === 'number' && Number.isFinite(raw)) t = String(raw);
  else if (typeof raw === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) t = raw;
  else return raw === undefined ? 'data point without a value' : `not a number: ${JSON.stringify(raw)}`;
  const v = usd(t);
  return v.isNegative() ? `negative counter value ${t}` : v;
}

function toRecord(g: Group): UsageRecord | null {
  const byType = new Map<string, number>();
  for (const [type, v] of g.byType) byType.set(type, Math.round(v.toNumber()));
  const tokens = g.family.tokens(byType);
  const hasTokens = tokens.input + tokens.cacheRead + tokens.cacheWrite + tokens.output > 0;
  if (!hasTokens && (g.cost === null || g.cost.isZero())) return null;
  const cost: Cost =
    g.cost === null
      ? { amount: null, basis: 'list_estimate', priceRef: null }
      : { amount: g.cost, basis: 'provider_reported', priceRef: g.family.costMetric };
  const a = g.attrs;
  return {
    id: recordId(g.family.source, 'metric', g.key),
    source: g.family.source,
    stream: null,
    granularity: 'session',
    start: new Date(Number(g.fromNs / 1_000_000n)),
    end: new Date(Number(g.toNs / 1_000_000n)),
    tool: g.family.tool,
    provider: g.family.provider,
    model: text(a, 'model') ?? null,
    tokens,
    requests: 0,
    cost,
    hints: {
      actor: actorOf(a),
      sessionId: text(a, 'session.id'),
      toolVersion: text(a, 'app.version') ?? text(a, 'service.version'),
    },
  };
}
