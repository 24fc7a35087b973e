import { err, ok, type Result } from '../domain/result.js';
import { qualityBarSchema, type QualityBar } from './bar.js';

/** The first problem of a bar, as the field it is in (`requirements.0.pass_rate`) and what is wrong with it. */
export interface BarProblem {
  field: string;
  message: string;
}

/**
 * A bar from any edge (the API's JSON body; mileage.yaml goes through bar-file.ts, which parses the same
 * schema and places the same path on a line): the one validator, so a bar accepted on one path is accepted on
 * the other.
 */
export function validateBar(raw: unknown): Result<QualityBar, BarProblem> {
  const parsed = qualityBarSchema.safeParse(raw);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const field = (issue?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : String(p))).join('.');
  return err({ field: field || '(the bar)', message: issue?.message ?? 'invalid quality bar' });
}
