import { recordId } from '../domain/ids.js';
import type { BlockUsage } from '../domain/usage-blocks.js';
import { NO_TOKENS, type ServedRequest, type UsageRecord } from '../domain/usage.js';
import type { KeyEntry } from './key-spec.js';
import type { Metered } from './meter.js';
import type { Provider } from './upstreams.js';

export const GATEWAY_SOURCE = 'gateway';

/** Where the request came from, beside its key: the agent session, branch and workflow the client named. */
export interface RequestTags {
  sessionId?: string | undefined;
  branch?: string | undefined;
  workflow?: string | undefined;
}

export interface ServedCall {
  requestId: string;
  provider: Provider;
  /** The billing stream of the upstream's credential (upstreams.ts), null when none is configured. */
  stream?: string | null | undefined;
  /** The model asked for; the answer's own model wins when it names one. */
  requestedModel: string | null;
  metered: Metered;
  key: KeyEntry;
  tags: RequestTags;
  start: Date;
  end: Date;
  status: number;
  ttftMs: number | null;
  clientAborted: boolean;
  /** The provider's request id (Anthropic `request-id`, OpenAI `x-request-id`): the same request in other sources. */
  upstreamRequestId: string | null;
}

/**
 * One served request as a usage record in the ledger's form. Its id comes from the gateway's request id, so
 * the record written to the spool and stored again after a crash is the same record. Its cost is a list
 * estimate priced later like any source's (the ledger takes the provider's bill as the total and this as
 * attribution); no prompt or answer content is in it.
 */
export function servedRecord(call: ServedCall): UsageRecord {
  const usage: BlockUsage = call.metered.usage ?? { tokens: NO_TOKENS };
  const served: ServedRequest = {
    requestId: call.requestId,
    status: call.status,
    latencyMs: call.end.getTime() - call.start.getTime(),
    ttftMs: call.ttftMs,
  };
  if (call.key.workloadType) served.workloadType = call.key.workloadType;
  if (call.clientAborted) served.clientAborted = true;
  const record: UsageRecord = {
    id: recordId(GATEWAY_SOURCE, call.requestId),
    source: GATEWAY_SOURCE,
    stream: call.stream ?? null,
    granularity: 'request',
    start: call.start,
    end: call.end,
    tool: null,
    provider: call.provider,
    model: call.metered.model ?? call.requestedModel,
    tokens: { ...usage.tokens },
    requests: 1,
    cost: { amount: null, basis: 'list_estimate', priceRef: null },
    served,
    hints: {
      keyId: call.key.id,
      teamTag: call.key.team,
      workflow: call.tags.workflow ?? call.key.workflow ?? undefined,
      sessionId: call.tags.sessionId,
      branch: call.tags.branch,
    },
  };
  if (call.key.person) record.hints.actor = call.key.person;
  if (usage.serverTools) record.serverTools = usage.serverTools;
  if (usage.billing) record.billing = usage.billing;
  if (call.upstreamRequestId) record.dedupKey = call.upstreamRequestId;
  return record;
}
