import type { RequestFormat } from '../dataset.js';

/**
 * A text conversation in no provider's format, so a case written for one API can be replayed on another
 * (an Anthropic Messages request on an OpenAI candidate). Only text converts faithfully: a request with
 * images, tools or documents is refused for another API rather than silently sent without them.
 */
export interface NeutralPrompt {
  system: string | null;
  messages: { role: 'user' | 'assistant'; text: string }[];
  maxTokens: number | null;
  temperature: number | null;
}

export class UntranslatableRequest extends Error {
  override readonly name = 'UntranslatableRequest';
}

function textOf(content: unknown, textTypes: readonly string[], where: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    throw new UntranslatableRequest(`${where}: content is neither text nor a list of parts`);
  return content
    .map((part: unknown) => {
      const p = part as { type?: unknown; text?: unknown };
      if (typeof p.type === 'string' && textTypes.includes(p.type) && typeof p.text === 'string')
        return p.text;
      throw new UntranslatableRequest(`${where}: a "${String(p.type)}" part only its own API can take`);
    })
    .join('');
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function role(r: unknown, where: string): 'user' | 'assistant' {
  if (r === 'user' || r === 'assistant') return r;
  throw new UntranslatableRequest(`${where}: role "${String(r)}" has no equivalent`);
}

export function toNeutral(format: RequestFormat, request: Record<string, unknown>): NeutralPrompt {
  const temperature = num(request.temperature);
  switch (format) {
    case 'anthropic-messages': {
      const messages = (request.messages as unknown[] | undefined) ?? [];
      return {
        system: request.system === undefined ? null : textOf(request.system, ['text'], 'system'),
        messages: messages.map((m, i) => {
          const msg = m as { role?: unknown; content?: unknown };
          return {
            role: role(msg.role, `messages[${i}]`),
            text: textOf(msg.content, ['text'], `messages[${i}]`),
          };
        }),
        maxTokens: num(request.max_tokens),
        temperature,
      };
    }
    case 'openai-chat': {
      const system: string[] = [];
      const messages: NeutralPrompt['messages'] = [];
      ((request.messages as unknown[] | undefined) ?? []).forEach((m, i) => {
        const msg = m as { role?: unknown; content?: unknown };
        const text = textOf(msg.content, ['text'], `messages[${i}]`);
        if (msg.role === 'system' || msg.role === 'developer') system.push(text);
        else messages.push({ role: role(msg.role, `messages[${i}]`), text });
      });
      return {
        system: system.length ? system.join('\n\n') : null,
        messages,
        maxTokens: num(request.max_completion_tokens) ?? num(request.max_tokens),
        temperature,
      };
    }
    case 'openai-responses': {
      const input = request.input;
      const messages: NeutralPrompt['messages'] =
        typeof input === 'string'
          ? [{ role: 'user', text: input }]
          : ((input as unknown[] | undefined) ?? []).map((m, i) => {
              const msg = m as { role?: unknown; content?: unknown };
              return {
                role: role(msg.role, `input[${i}]`),
                text: textOf(msg.content, ['input_text', 'output_text'], `input[${i}]`),
              };
            });
      return {
        system: typeof request.instructions === 'string' ? request.instructions : null,
        messages,
        maxTokens: num(request.max_output_tokens),
        temperature,
      };
    }
    default:
      return format satisfies never;
  }
}

/** Output cap when the case sets none: Anthropic requires one, and the spending cap needs one to reserve. */
export const DEFAULT_MAX_TOKENS = 1024;

export function fromNeutral(format: RequestFormat, p: NeutralPrompt): Record<string, unknown> {
  const temperature = p.temperature === null ? {} : { temperature: p.temperature };
  const maxTokens = p.maxTokens ?? DEFAULT_MAX_TOKENS;
  switch (format) {
    case 'anthropic-messages':
      return {
        max_tokens: maxTokens,
        ...(p.system === null ? {} : { system: p.system }),
        messages: p.messages.map((m) => ({ role: m.role, content: m.text })),
        ...temperature,
      };
    case 'openai-chat':
      return {
        max_completion_tokens: maxTokens,
        messages: [
          ...(p.system === null ? [] : [{ role: 'system', content: p.system }]),
          ...p.messages.map((m) => ({ role: m.role, content: m.text })),
        ],
        ...temperature,
      };
    case 'openai-responses':
      return {
        max_output_tokens: maxTokens,
        ...(p.system === null ? {} : { instructions: p.system }),
        input: p.messages.map((m) => ({ role: m.role, content: m.text })),
        ...temperature,
      };
    default:
      return format satisfies never;
  }
}

/** The request as the target API takes it, for `model`: the case's own body when the API is its own. */
export function requestFor(
  caseFormat: RequestFormat,
  request: Record<string, unknown>,
  api: RequestFormat,
  model: string,
): Record<string, unknown> {
  const body = caseFormat === api ? { ...request } : fromNeutral(api, toNeutral(caseFormat, request));
  if (api === 'anthropic-messages' && body.max_tokens === undefined) body.max_tokens = DEFAULT_MAX_TOKENS;
  return { ...body, model };
}

/** The request's output cap, for the spending cap's reservation. */
export function maxOutputTokens(api: RequestFormat, body: Record<string, unknown>): number {
  const v =
    api === 'anthropic-messages'
      ? body.max_tokens
      : api === 'openai-chat'
        ? (body.max_completion_tokens ?? body.max_tokens)
        : body.max_output_tokens;
  return typeof v === 'number' && v > 0 ? v : DEFAULT_MAX_TOKENS;
}
