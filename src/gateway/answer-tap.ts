import type { SseEvent } from './sse.js';
import type { Api } from './meter.js';

/**
 * The answer's text and usage block, collected for the model-selection audit's capture (audit/capture-*.ts)
 * from a workflow that opted in: the text blocks an answer carries (streamed as deltas or whole), and the
 * provider's usage block as it sent it. Built only for such requests: every other request's content passes
 * through untouched and unread.
 */
export class AnswerTap {
  private readonly parts: string[] = [];
  private usage: Record<string, unknown> | null = null;

  constructor(private readonly api: Api) {}

  /** One event of a streamed answer. */
  event(e: SseEvent): void {
    const doc = parse(e.data);
    if (!doc) return;
    if (this.api === 'anthropic-messages') {
      if (doc.type === 'message_start') this.mergeUsage(record(record(doc.message)?.usage));
      else if (doc.type === 'message_delta') this.mergeUsage(record(doc.usage));
      else if (doc.type === 'content_block_delta') {
        const delta = record(doc.delta);
        if (delta?.type === 'text_delta' && typeof delta.text === 'string') this.parts.push(delta.text);
      }
    } else if (this.api === 'openai-chat') {
      const choice = record(Array.isArray(doc.choices) ? (doc.choices as unknown[])[0] : null);
      const content = record(choice?.delta)?.content;
      if (typeof content === 'string') this.parts.push(content);
      if (record(doc.usage)) this.usage = record(doc.usage);
    } else {
      if (doc.type === 'response.output_text.delta' && typeof doc.delta === 'string')
        this.parts.push(doc.delta);
      if (doc.type === 'response.completed') this.usage = record(record(doc.response)?.usage);
    }
  }

  /** A whole (not streamed) answer's body, as the meter parsed it (null: not a JSON object). */
  body(doc: Record<string, unknown> | null): void {
    if (!doc) return;
    this.usage = record(doc.usage);
    if (this.api === 'anthropic-messages') {
      for (const block of Array.isArray(doc.content) ? (doc.content as unknown[]) : []) {
        const b = record(block);
        if (b?.type === 'text' && typeof b.text === 'string') this.parts.push(b.text);
      }
    } else if (this.api === 'openai-chat') {
      const choice = record(Array.isArray(doc.choices) ? (doc.choices as unknown[])[0] : null);
      const content = record(choice?.message)?.content;
      if (typeof content === 'string') this.parts.push(content);
    } else {
      for (const item of Array.isArray(doc.output) ? (doc.output as unknown[]) : []) {
        for (const c of Array.isArray(record(item)?.content) ? (record(item)?.content as unknown[]) : []) {
          const part = record(c);
          if (part?.type === 'output_text' && typeof part.text === 'string') this.parts.push(part.text);
        }
      }
    }
  }

  /** The answer and its usage, or null when no usage block came (the answer is then not a complete one). */
  result(): { answer: string; usage: Record<string, unknown> } | null {
    return this.usage ? { answer: this.parts.join(''), usage: this.usage } : null;
  }

  /** Anthropic streams usage in two parts: the input side at the start, the output count at the end. */
  private mergeUsage(u: Record<string, unknown> | null): void {
    if (u) this.usage = { ...(this.usage ?? {}), ...u };
  }
}

function parse(text: string): Record<string, unknown> | null {
  try {
    return record(JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

function record(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
