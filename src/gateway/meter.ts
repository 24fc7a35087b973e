import { anthropicBlock, openAiBlock, type BlockUsage, type OpenAiApi } from '../domain/usage-blocks.js';
import type { ServerToolUse } from '../domain/usage.js';
import type { SseEvent } from './sse.js';

/** The APIs the gateway meters; each has its own place for the usage block, streamed or not. */
export const APIS = ['anthropic-messages', 'openai-chat', 'openai-responses'] as const;
export type Api = (typeof APIS)[number];

/** What a response said about itself: the model that served it, its id, and its usage (null: none seen). */
export interface Metered {
  model: string | null;
  responseId: string | null;
  usage: BlockUsage | null;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
const textOf = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function parsed(text: string): Json | null {
  try {
    return obj(JSON.parse(text));
  } catch {
    return null;
  }
}

/**
 * Reads the usage of one response on the side, as its bytes go by: a whole JSON body, or stream events. It
 * never changes what the client receives and never throws (a body it cannot read meters as no usage).
 */
export class Meter {
  private model: string | null = null;
  private responseId: string | null = null;
  /** Anthropic streams: message_start's usage, then each message_delta's fields over it. */
  private anthropic: Json | null = null;
  private openAi: { usage: unknown; tier: unknown } | null = null;
  private webSearches = 0;
  /**
   * OpenAI streams: the first event's data, parsed only when no later event named the model and response
   * (every chat chunk carries both, so the usage chunk normally does; a stream cut before it does not).
   */
  private first: string | null = null;

  constructor(readonly api: Api) {}

  /** A non-streamed answer's body, whole; returns it parsed (null when it is no JSON object) for other readers. */
  body(text: string): Json | null {
    const b = parsed(text);
    if (!b) return null;
    this.identify(b);
    if (this.api === 'anthropic-messages') this.anthropic = obj(b.usage);
    else this.takeOpenAi(b);
    return b;
  }

  /** One event of a streamed answer. */
  event(e: SseEvent): void {
    switch (this.api) {
      case 'anthropic-messages':
        return this.anthropicEvent(e);
      case 'openai-chat':
        return this.chatEvent(e);
      case 'openai-responses':
        return this.responsesEvent(e);
      default:
        return this.api satisfies never;
    }
  }

  result(): Metered {
    if ((this.model === null || this.responseId === null) && this.first !== null) {
      const doc = parsed(this.first);
      this.first = null;
      if (doc) this.identify(this.api === 'openai-responses' ? obj(doc.response) : doc);
    }
    return { model: this.model, responseId: this.responseId, usage: this.usage() };
  }

  private usage(): BlockUsage | null {
    if (this.api === 'anthropic-messages') return this.anthropic ? anthropicBlock(this.anthropic) : null;
    if (!this.openAi) return null;
    const block = openAiBlock(OPENAI_API[this.api], this.openAi.usage, this.openAi.tier);
    if (this.webSearches === 0) return block;
    const serverTools: ServerToolUse = { webSearch: this.webSearches };
    return { ...block, serverTools };
  }

  private identify(b: Json): void {
    this.model ??= textOf(b.model);
    this.responseId ??= textOf(b.id);
  }

  /** Chat completion or Responses object: usage beside the tier; web searches are output items. */
  private takeOpenAi(b: Json): void {
    if (b.usage === null || typeof b.usage !== 'object') return;
    this.openAi = { usage: b.usage, tier: b.service_tier };
    if (Array.isArray(b.output))
      this.webSearches = b.output.filter((o) => obj(o).type === 'web_search_call').length;
  }

  private anthropicEvent(e: SseEvent): void {
    // Only two events carry usage; the many content deltas are never parsed.
    const kind = e.event || (e.data.includes('"message_start"') ? 'message_start' : '');
    if (kind === 'message_start') {
      const message = obj(parsed(e.data)?.message);
      this.identify(message);
      this.anthropic = { ...obj(message.usage) };
    } else if (kind === 'message_delta' || (kind === '' && e.data.includes('"message_delta"'))) {
      // The delta's counts are cumulative: each field it carries replaces the one before.
      const usage = obj(parsed(e.data)?.usage);
      this.anthropic = { ...this.anthropic, ...usage };
    }
  }

  private chatEvent(e: SseEvent): void {
    this.first ??= e.data;
    // The usage chunk (stream_options.include_usage) is the one whose usage is an object, not null: the
    // only chunk parsed (the content deltas never are).
    if (!e.data.includes('"usage":{') && !e.data.includes('"usage": {')) return;
    const chunk = parsed(e.data);
    if (!chunk) return;
    this.identify(chunk);
    this.takeOpenAi(chunk);
  }

  private responsesEvent(e: SseEvent): void {
    // Compatible servers may leave out `event:`; the data's own `type` says the same.
    const kind = e.event || (/"type":\s*"(response\.[a-z_.]+)"/.exec(e.data)?.[1] ?? '');
    // response.created names the model and id: kept unparsed, read only if no terminal event comes.
    if (kind === 'response.created') this.first ??= e.data;
    if (!TERMINAL.has(kind)) return;
    const response = obj(parsed(e.data)?.response);
    this.identify(response);
    this.takeOpenAi(response);
  }
}

/** Responses stream events that end a response and carry its usage. */
const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

const OPENAI_API = {
  'openai-chat': 'chat',
  'openai-responses': 'responses',
} as const satisfies Record<Exclude<Api, 'anthropic-messages'>, OpenAiApi>;

/** Whether a chat stream event is the usage chunk the gateway asked for on the client's behalf. */
export function isUsageChunk(e: SseEvent): boolean {
  // Every chunk of such a stream has `"usage":null`: only the one whose usage is an object is parsed.
  if (!e.data.includes('"usage":{') && !e.data.includes('"usage": {')) return false;
  const chunk = parsed(e.data);
  return (
    chunk !== null &&
    Array.isArray(chunk.choices) &&
    chunk.choices.length === 0 &&
    typeof chunk.usage === 'object' &&
    chunk.usage !== null
  );
}
