import type { Check } from './bar.js';
import { answerJson } from './extract.js';
import type { NeutralPrompt } from './providers/prompt.js';
import { fromNeutral } from './providers/prompt.js';
import type { Target } from './target.js';

export type JudgeCheck = Extract<Check, { kind: 'llm_judge' }>;

const INSTRUCTIONS =
  'You grade one answer of an AI model against a rubric. Read the conversation the model was given, the ' +
  'reference answer when there is one, and the model\'s answer. Reply with JSON only: {"score": S} where S is ' +
  'a number from 0 (fails the rubric entirely) to 1 (meets it fully).';

/** The judge's request, in the judge's own API: the rubric, the conversation, the reference, the answer. */
export function judgeRequest(
  judge: Target,
  check: JudgeCheck,
  conversation: NeutralPrompt,
  reference: unknown,
  answer: string,
): Record<string, unknown> {
  const transcript = conversation.messages.map((m) => `${m.role.toUpperCase()}: ${m.text}`).join('\n\n');
  const text = [
    `RUBRIC:\n${check.rubric}`,
    conversation.system ? `SYSTEM PROMPT GIVEN TO THE MODEL:\n${conversation.system}` : null,
    `CONVERSATION:\n${transcript}`,
    reference === undefined ? null : `REFERENCE ANSWER:\n${JSON.stringify(reference)}`,
    `ANSWER TO GRADE:\n${answer}`,
  ]
    .filter((s) => s !== null)
    .join('\n\n');
  const body = fromNeutral(judge.api, {
    system: INSTRUCTIONS,
    messages: [{ role: 'user', text }],
    maxTokens: 64,
    temperature: 0,
  });
  return { ...body, model: judge.model };
}

/** The judge's score, clamped to 0–1; null when its reply carries no number (the check is then unscored). */
export function judgeScore(reply: string): number | null {
  const json = answerJson(reply) as { score?: unknown } | undefined;
  const raw = json && typeof json === 'object' ? Number(json.score) : Number.NaN;
  if (!Number.isFinite(raw)) return null;
  return Math.min(1, Math.max(0, raw));
}
