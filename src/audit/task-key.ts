import { createHash } from 'node:crypto';
import type { AuditCase } from './dataset.js';
import { requestFor } from './providers/prompt.js';
import type { Target } from './target.js';

/** The body sent to a target for a case, and its cache key: API, endpoint, model, exact body and trial. */
export function taskFor(
  c: AuditCase,
  target: Target,
  trial: number,
): { body: Record<string, unknown>; key: string } {
  const body = requestFor(c.format, c.request, target.api, target.model);
  const key = createHash('sha256')
    .update(JSON.stringify([target.api, target.baseUrl, target.model, body, trial]))
    .digest('hex');
  return { body, key };
}

export function judgementKey(judge: Target, rubric: string, answerKey: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['judge', judge.id, rubric, answerKey]))
    .digest('hex');
}
