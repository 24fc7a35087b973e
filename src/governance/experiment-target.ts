import { err, ok, type Result } from '../domain/result.js';

/**
 * A metric's target in an experiment, written as a person would say it:
 * - `+30%`, `-50%`: the treatment's relative change beats the control's by this much (difference in
 *   differences, in points of relative change): "throughput per engineer +30%", "lead time 6 weeks → 3" (-50%);
 * - `+0.5`, `-2`: the same in the metric's own unit;
 * - `<= 150`, `within $150`, `>= 0.4`, `at least 0.4`: where the treatment's level must be during the test
 *   ("cost per merged PR within $150");
 * - `not rising`, `not falling`, optionally `by more than 0.05` (or `by more than 10%`): a guard rail, the
 *   treatment's change against the control's stays on the right side of the tolerance ("rework share not
 *   rising").
 */
export type Target =
  | { kind: 'change'; scale: 'relative' | 'absolute'; amount: number; text: string }
  | { kind: 'level'; op: '<=' | '>='; limit: number; limitText: string; text: string }
  | {
      kind: 'guard';
      against: 'rising' | 'falling';
      scale: 'relative' | 'absolute';
      tolerance: number;
      text: string;
    };

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const CHANGE = new RegExp(String.raw`^([+-])\s*${NUMBER}\s*(%?)$`);
const LEVEL = new RegExp(String.raw`^(<=|>=|≤|≥|at most|at least|within)\s*\$?\s*${NUMBER}$`);
const GUARD = new RegExp(String.raw`^not (rising|falling)(?: by more than \+?\$?${NUMBER}\s*(%?))?$`);

const EXAMPLES = '"+30%", "-50%", "+0.5", "<= 150", ">= 0.4", "not rising" or "not rising by more than 0.05"';

export function parseTarget(written: string): Result<Target, string> {
  const text = written.trim().replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  const change = CHANGE.exec(lower);
  if (change) {
    const size = Number(change[2]);
    if (size === 0)
      return err('expected a change other than 0 (use "not rising" or "not falling" for a guard rail)');
    const percent = change[3] === '%';
    return ok({
      kind: 'change',
      scale: percent ? 'relative' : 'absolute',
      amount: (change[1] === '-' ? -1 : 1) * (percent ? size / 100 : size),
      text,
    });
  }
  const level = LEVEL.exec(lower);
  if (level) {
    const op = level[1] === '>=' || level[1] === '≥' || level[1] === 'at least' ? '>=' : '<=';
    return ok({ kind: 'level', op, limit: Number(level[2]), limitText: level[2] ?? '0', text });
  }
  const guard = GUARD.exec(lower);
  if (guard) {
    const percent = guard[3] === '%';
    const tolerance = guard[2] === undefined ? 0 : Number(guard[2]) / (percent ? 100 : 1);
    return ok({
      kind: 'guard',
      against: guard[1] === 'falling' ? 'falling' : 'rising',
      scale: percent ? 'relative' : 'absolute',
      tolerance,
      text,
    });
  }
  return err(`expected a target such as ${EXAMPLES}, got "${text.slice(0, 40)}"`);
}

/**
 * +1 when the target asks for the number to go up (or stay up), −1 when down: the verdict works on the
 * estimate times this sign, so one rule serves both directions.
 */
export function targetSign(t: Target): 1 | -1 {
  switch (t.kind) {
    case 'change':
      return t.amount > 0 ? 1 : -1;
    case 'level':
      return t.op === '>=' ? 1 : -1;
    case 'guard':
      return t.against === 'falling' ? 1 : -1;
    default:
      return t satisfies never;
  }
}
