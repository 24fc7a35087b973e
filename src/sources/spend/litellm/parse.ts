import { anthropicServerTools, fromGenAiSpan } from '../../../domain/token-semantics.js';
import { recordId } from '../../../domain/ids.js';
import { usd } from '../../../domain/money.js';
import type { ParseResult } from '../../../domain/parse-result.js';
import type { Cost, UsageRecord } from '../../../domain/usage.js';
import { parseEachItem } from '../../each-item.js';
import { spendLogSchema, usageObjectSchema, type SpendLogRow } from './schema.js';

export const LITELLM_SOURCE = 'litellm';

export interface LitellmContext {
  /** Where the rows came from (`postgres:LiteLLM_SpendLogs`, `GET host/spend/logs`): named in problems. */
  file: string;
  /** The source's name in mileage.yaml: part of every id, so two proxies never collide. */
  name: string;
  /** Provider (custom_llm_provider) → the billing stream it is paid through; unlisted → `litellm:<name>:<provider>`. */
  streams: Readonly<Record<string, string>>;
  /** A tag starting with this names the workflow (`workflow:triage`); with none, the first tag does. */
  workflowTagPrefix: string;
}

function objectOf(value: unknown): Record<string, unknown> | null {
  if (typeof value === 'string') {
    try {
      return objectOf(JSON.parse(value));
    } catch {
      return null;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function tagsOf(value: SpendLogRow['request_tags']): string[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
    } catch {
      return [];
    }
  }
  return [];
}

/** The workflow a request was tagged with at issuance (DESIGN "Attribution", level 1). */
export function workflowOf(tags: readonly string[], prefix: string): string | undefined {
  const tagged = tags.find((t) => t.startsWith(prefix) && t.length > prefix.length);
  if (tagged !== undefined) return tagged.slice(prefix.length);
  return tags.find((t) => t.trim() !== '');
}

/** `anthropic/claude-sonnet-4-6` → `claude-sonnet-4-6` when the prefix is the row's own provider. */
function bareModel(model: string | null | undefined, provider: string | null): string | null {
  if (!model) return null;
  const slash = model.indexOf('/');
  if (slash > 0 && provider !== null && model.slice(0, slash).toLowerCase() === provider.toLowerCase())
    return model.slice(slash + 1);
  return model;
}

function toRecord(row: SpendLogRow, ctx: LitellmContext): UsageRecord {
  const provider = row.custom_llm_provider?.trim() || null;
  const metadata = objectOf(row.metadata);
  const usage = usageObjectSchema.safeParse(objectOf(metadata?.usage_object) ?? {}).data;
  const cacheRead = usage?.cache_read_input_tokens ?? usage?.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  const prompt = row.prompt_tokens ?? 0;
  // LiteLLM reports prompt tokens the OpenAI way, cache (and audio) included.
  const tokens = fromGenAiSpan({
    input: prompt,
    cacheRead,
    cacheWrite,
    output: row.completion_tokens ?? 0,
    reasoning: usage?.completion_tokens_details?.reasoning_tokens,
    audioInput: usage?.prompt_tokens_details?.audio_tokens,
    audioOutput: usage?.completion_tokens_details?.audio_tokens,
  });
  const hasTokens = prompt + tokens.output > 0;
  // LiteLLM writes spend 0 for a model missing from its price map: that is unknown, never $0.
  const cost: Cost =
    row.spend === 0 && hasTokens
      ? { amount: null, basis: 'list_estimate', priceRef: null }
      : { amount: usd(String(row.spend)), basis: 'provider_reported', priceRef: 'litellm.spend' };
  const text = (key: string) => {
    const v = metadata?.[key];
    return typeof v === 'string' && v.trim() !== '' ? v : undefined;
  };
  return {
    id: recordId(LITELLM_SOURCE, ctx.name, row.request_id),
    source: LITELLM_SOURCE,
    stream: (provider && ctx.streams[provider]) || `litellm:${ctx.name}:${provider ?? 'unknown'}`,
    granularity: 'request',
    start: row.startTime,
    end: row.endTime ?? row.startTime,
    tool: 'litellm',
    provider,
    model: bareModel(row.model || row.model_group, provider),
    tokens,
    serverTools: anthropicServerTools(usage?.server_tool_use),
    requests: 1,
    cost,
    hints: {
      actor:
        row.user ||
        text('user_api_key_user_email') ||
        text('user_api_key_user_id') ||
        row.end_user ||
        undefined,
      keyId: row.api_key || undefined,
      workspace: row.team_id || undefined,
      sessionId: row.session_id || undefined,
      workflow: workflowOf(tagsOf(row.request_tags), ctx.workflowTagPrefix),
    },
  };
}

/**
 * SpendLogs rows (from Postgres or the spend API) → usage records, one per proxied request. A bad row is
 * one problem naming its field; its neighbours are kept.
 */
export function parseSpendLogs(rows: readonly unknown[], ctx: LitellmContext): ParseResult<UsageRecord> {
  return parseEachItem(rows, spendLogSchema, { file: ctx.file, path: '' }, (row) => toRecord(row, ctx));
}
