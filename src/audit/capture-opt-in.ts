import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../domain/errors.js';
import { inputErrorOf, openOrgDocument } from '../org/org-document.js';
import { orgId } from '../org/schema.js';

/**
 * A workflow's consent to audit capture, written in `mileage.yaml` under `audit_capture:`. Capturing keeps
 * requests and answers (content), so nothing is captured or sampled for a workflow that is not listed here,
 * and every entry must say how long its captures live: there is no default retention.
 *
 *   audit_capture:
 *     - workflow: alert-triage
 *       sample_rate: 0.1          # share of the workflow's requests captured, above 0 and at most 1
 *       retention_days: 14        # whole UTC days kept, today included; older days are deleted
 *       max_cases_per_day: 500    # at most this many captured a day (default 1000)
 */
export const captureOptInSchema = z.strictObject({
  workflow: orgId,
  sample_rate: z
    .number({ error: 'expected a share of requests such as 0.1 (above 0, at most 1)' })
    .gt(0, 'expected a share above 0: a workflow that captures nothing should not opt in')
    .max(1, 'expected a share of at most 1 (1 captures every request)'),
  retention_days: z
    .number({ error: 'expected a number of days such as 14: a capture must say how long it is kept' })
    .int('expected a whole number of days')
    .min(1, 'expected at least 1 day')
    .max(366, 'expected at most 366 days: captured content is not an archive'),
  max_cases_per_day: z
    .number({ error: 'expected a whole number of cases such as 500' })
    .int('expected a whole number of cases')
    .min(1, 'expected at least 1 case')
    .max(1_000_000, 'expected at most 1000000 cases a day')
    .default(1000),
});
export type CaptureOptIn = z.infer<typeof captureOptInSchema>;

const optInsSchema = z.array(captureOptInSchema, {
  error: 'expected a list of workflows opted in to capture (- workflow: …)',
});

/** Reads `audit_capture:` from an org file's text; problems name the file, line and field. */
export function parseCaptureOptIns(source: string, file: string): CaptureOptIn[] {
  const opened = openOrgDocument(source, file);
  if (!opened.ok) throw inputErrorOf(opened.error);
  const { root, at } = opened.value;
  const raw = root.audit_capture ?? [];
  const parsed = optInsSchema.safeParse(raw ?? []);
  const hint = 'See "Capture" in docs/audits.md.';
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['audit_capture', ...(issue?.path ?? [])].map((p) =>
      typeof p === 'symbol' ? String(p) : p,
    );
    const message =
      issue?.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: expected ${Object.keys(captureOptInSchema.shape).join(', ')}`
        : (issue?.message ?? 'invalid capture opt-in');
    // An unknown field is best pointed at by its own key, not the entry that holds it.
    const unknownKey = issue?.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const line = unknownKey ? at.keyPlace(path, unknownKey).line : at.place(path).line;
    throw new InputError(file, line, path.join('.'), message, hint);
  }
  const seen = new Set<string>();
  parsed.data.forEach((optIn, i) => {
    if (seen.has(optIn.workflow))
      throw new InputError(
        file,
        at.place(['audit_capture', i, 'workflow']).line,
        `audit_capture.${i}.workflow`,
        `workflow ${optIn.workflow} is listed twice: one opt-in per workflow`,
        hint,
      );
    seen.add(optIn.workflow);
  });
  return parsed.data;
}

export async function loadCaptureOptIns(file: string): Promise<CaptureOptIn[]> {
  return parseCaptureOptIns(await readFile(file, 'utf8'), file);
}

export function optInFor(optIns: readonly CaptureOptIn[], workflow: string): CaptureOptIn | undefined {
  return optIns.find((o) => o.workflow === workflow);
}
