import { Ajv, type ValidateFunction } from 'ajv';
import { usd, type Usd } from '../domain/money.js';
import type { Check } from './bar.js';
import { extract, followPath, sameValue } from './extract.js';

/** One answer of a model to one case (a trial), as the checks see it: no request content. */
export interface ScoredAnswer {
  text: string;
  latencyMs: number;
  /** Priced from the response's usage; null when the model has no price (a cost check is then unscored). */
  cost: Usd | null;
}

export interface CheckContext {
  answer: ScoredAnswer;
  /** The case's reference answer, when the dataset gives one. */
  reference: unknown;
  /** The incumbent's answer to the same case and trial (null when scoring the incumbent itself). */
  incumbent: ScoredAnswer | null;
  /** The judge's recorded score (0–1) for this answer under this check, or null when there is none. */
  judgeScore: (check: Extract<Check, { kind: 'llm_judge' }>) => number | null;
}

/** Pass, fail (with why, in words free of the answer's content), or not scoreable from what was recorded. */
export type CheckOutcome =
  { status: 'pass' } | { status: 'fail'; why: string } | { status: 'unscored'; why: string };

const PASS: CheckOutcome = { status: 'pass' };
const fail = (why: string): CheckOutcome => ({ status: 'fail', why });

const ajv = new Ajv({ allErrors: false, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

function expectedValue(e: { reference: string } | { value: unknown }, reference: unknown): unknown {
  if ('value' in e) return e.value;
  return e.reference === '.' ? reference : followPath(reference, [e.reference]);
}

/** What a failing check says: the field, never the answer (answers are content and stay out of reports). */
function describe(check: { json_path?: string | undefined; regex?: string | undefined }): string {
  return check.json_path ?? (check.regex !== undefined ? `/${check.regex}/` : 'answer');
}

export function runCheck(check: Check, ctx: CheckContext): CheckOutcome {
  const { answer } = ctx;
  switch (check.kind) {
    case 'equals': {
      const want = expectedValue(check.expected, ctx.reference);
      if (want === undefined) return { status: 'unscored', why: 'no reference value for this case' };
      return sameValue(extract(answer.text, check), want)
        ? PASS
        : fail(`${describe(check)} differs from expected`);
    }
    case 'one_of': {
      const got = extract(answer.text, check);
      return check.values.some((v) => sameValue(got, v))
        ? PASS
        : fail(`${describe(check)} not one of the allowed values`);
    }
    case 'json_schema': {
      let validate = compiled.get(check.schema);
      if (!validate) {
        validate = ajv.compile(check.schema);
        compiled.set(check.schema, validate);
      }
      let value: unknown;
      try {
        value = JSON.parse(answer.text.trim().replace(/^```(?:json)?\s*|```$/g, ''));
      } catch {
        return fail('answer is not JSON');
      }
      return validate(value) ? PASS : fail(`schema: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
    }
    case 'regex':
      return new RegExp(check.pattern, check.flags).test(answer.text)
        ? PASS
        : fail(`no match for /${check.pattern}/`);
    case 'contains':
    case 'not_contains': {
      const hay = check.ignore_case ? answer.text.toLowerCase() : answer.text;
      const needle = check.ignore_case ? check.text.toLowerCase() : check.text;
      const found = hay.includes(needle);
      if (check.kind === 'contains') return found ? PASS : fail(`does not contain "${check.text}"`);
      return found ? fail(`contains "${check.text}"`) : PASS;
    }
    case 'numeric': {
      const want = Number(expectedValue(check.expected, ctx.reference));
      const got = Number(extract(answer.text, check));
      if (!Number.isFinite(want)) return { status: 'unscored', why: 'no numeric reference for this case' };
      if (!Number.isFinite(got)) return fail(`${describe(check)} is not a number`);
      const allowed = Math.max(check.tolerance ?? 0, ((check.tolerance_percent ?? 0) / 100) * Math.abs(want));
      return Math.abs(got - want) <= allowed + 1e-12
        ? PASS
        : fail(`${describe(check)} off by ${Math.abs(got - want)}`);
    }
    case 'agrees_with_incumbent': {
      if (ctx.incumbent === null) return PASS;
      return sameValue(extract(answer.text, check), extract(ctx.incumbent.text, check))
        ? PASS
        : fail(`${describe(check)} differs from the incumbent's`);
    }
    case 'max_latency':
      return answer.latencyMs <= check.ms
        ? PASS
        : fail(`took ${Math.round(answer.latencyMs)} ms > ${check.ms} ms`);
    case 'max_cost': {
      if (answer.cost === null) return { status: 'unscored', why: 'the model has no price' };
      return answer.cost.lessThanOrEqualTo(usd(check.usd))
        ? PASS
        : fail(`cost $${answer.cost.toSignificantDigits(4).toString()} > $${String(check.usd)}`);
    }
    case 'llm_judge': {
      const score = ctx.judgeScore(check);
      if (score === null)
        return { status: 'unscored', why: `no recorded judgement by ${check.judge_model} for this rubric` };
      return score >= check.threshold ? PASS : fail(`judge scored ${score} < ${check.threshold}`);
    }
    default:
      return check satisfies never;
  }
}
