import { z } from 'zod';

/**
 * A quality bar, written down: per workflow, the requirements a model's responses must meet. A requirement is
 * a set of checks every case of its subset must pass, and the share of those cases that must pass them
 * ("severity-1 alerts: 100% classified severity 1; all alerts: ≥ 95% same severity as the reference").
 * Bars live in `mileage.yaml` under `quality_bars:`; each carries a version, and every audit result names
 * the version it was scored against, so a changed bar never silently re-labels an old verdict.
 */

const text = z.string().trim().min(1, 'expected text, got an empty value');

/** Where the value a check compares comes from in a response: a JSON path into it, or a regex's first group. */
const extractFields = {
  /** `$.severity`, `$.items[0].label`: read from the JSON in the response (code fences tolerated). */
  json_path: text.optional(),
  /** The first capture group (or the whole match) of this pattern in the response text. */
  regex: text.optional(),
};

/** What an extracted value is compared with: a literal, or a field of the case's reference answer. */
const expected = z.union([
  z.strictObject({ reference: text.describe("a key of the case's reference object, or '.' for all of it") }),
  z.strictObject({ value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }),
]);

export const checkSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('equals'), ...extractFields, expected }),
  z.strictObject({
    kind: z.literal('one_of'),
    ...extractFields,
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
  }),
  z.strictObject({ kind: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }),
  z.strictObject({ kind: z.literal('regex'), pattern: text, flags: z.string().optional() }),
  z.strictObject({ kind: z.literal('contains'), text, ignore_case: z.boolean().optional() }),
  z.strictObject({ kind: z.literal('not_contains'), text, ignore_case: z.boolean().optional() }),
  z.strictObject({
    kind: z.literal('numeric'),
    ...extractFields,
    expected,
    /** Absolute tolerance, in the value's own unit. */
    tolerance: z.number().min(0).optional(),
    /** Relative tolerance, 5 = within 5% of the expected value. */
    tolerance_percent: z.number().min(0).optional(),
  }),
  /** The candidate's extracted value (or whole answer, trimmed) equals the incumbent's on the same case. */
  z.strictObject({ kind: z.literal('agrees_with_incumbent'), ...extractFields }),
  z.strictObject({ kind: z.literal('max_latency'), ms: z.number().positive() }),
  /** USD per case as priced from the response's own usage (the trials' mean). */
  z.strictObject({ kind: z.literal('max_cost'), usd: z.union([z.number().positive(), z.string()]) }),
  z.strictObject({
    kind: z.literal('llm_judge'),
    rubric: text,
    judge_model: text,
    judge_provider: text.optional(),
    /** The judge answers a score from 0 to 1; the case passes at this score or above. */
    threshold: z.number().min(0).max(1),
  }),
]);
export type Check = z.infer<typeof checkSchema>;
export type CheckKind = Check['kind'];

export const requirementSchema = z.strictObject({
  name: text,
  /** Only cases carrying every one of these tags; all cases when absent. */
  tags: z.array(text).optional(),
  /** The share of the subset's cases that must pass every check: 0.95, or 1 for "every case". */
  pass_rate: z.number().gt(0).max(1),
  checks: z.array(checkSchema).min(1),
});
export type Requirement = z.infer<typeof requirementSchema>;

export const qualityBarSchema = z
  .strictObject({
    workflow: text,
    version: z.number().int().min(1),
    /** What the workload is for, in a sentence: shown on reports above the requirements. */
    description: text.optional(),
    requirements: z.array(requirementSchema).min(1),
    /**
     * Non-inferiority margin against the incumbent, as a share (0.02 = two points): a candidate may pass at
     * most this much less often than the incumbent on the same cases. Absent: no paired requirement.
     */
    margin: z.number().min(0).max(1).optional(),
    /** Repeated trials per case for non-deterministic outputs: a case passes only if every trial passes. */
    trials: z.number().int().min(1).max(20).default(1),
  })
  .superRefine((bar, ctx) => {
    const names = new Set<string>();
    bar.requirements.forEach((r, i) => {
      if (names.has(r.name))
        ctx.addIssue({
          code: 'custom',
          path: ['requirements', i, 'name'],
          message: `duplicate name "${r.name}"`,
        });
      names.add(r.name);
      r.checks.forEach((c, j) => {
        if ('json_path' in c || 'regex' in c) {
          const e = c as { json_path?: string; regex?: string };
          if (e.json_path !== undefined && e.regex !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['requirements', i, 'checks', j],
              message: 'give json_path or regex, not both',
            });
        }
        if (c.kind === 'numeric' && c.tolerance === undefined && c.tolerance_percent === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['requirements', i, 'checks', j],
            message: 'missing: tolerance or tolerance_percent',
          });
      });
    });
  });
export type QualityBar = z.infer<typeof qualityBarSchema>;

export const qualityBarsSchema = z.array(qualityBarSchema);

/** The bar a workflow is audited against: its highest version (older versions stay for reading old runs). */
export function currentBar(bars: readonly QualityBar[], workflow: string): QualityBar | null {
  let best: QualityBar | null = null;
  for (const bar of bars) {
    if (bar.workflow === workflow && (best === null || bar.version > best.version)) best = bar;
  }
  return best;
}
