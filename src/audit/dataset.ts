import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/**
 * An audit dataset: JSONL, one case a line, each a request in a provider's own format with an optional
 * reference answer and tags. Requests are content: they are read from the user's file at run time and never
 * copied into the store or a report (reports name cases by id).
 *
 *   {"id":"alert-0001","format":"anthropic-messages","request":{"max_tokens":64,"messages":[...]},
 *    "reference":{"severity":1},"tags":["sev1"]}
 */

export const REQUEST_FORMATS = ['anthropic-messages', 'openai-chat', 'openai-responses'] as const;
export type RequestFormat = (typeof REQUEST_FORMATS)[number];

const caseSchema = z.strictObject({
  id: z.string().trim().min(1).max(200),
  format: z.enum(REQUEST_FORMATS).optional(),
  request: z.record(z.string(), z.unknown()),
  reference: z.unknown().optional(),
  tags: z.array(z.string().trim().min(1)).optional(),
});

export interface AuditCase {
  id: string;
  format: RequestFormat;
  request: Record<string, unknown>;
  reference: unknown;
  tags: string[];
}

export interface DatasetProblem {
  line: number;
  field: string | null;
  message: string;
}

export interface Dataset {
  file: string;
  cases: AuditCase[];
  /** Lines refused, each with its reason: counted and reported, never fatal to the good lines. */
  problems: DatasetProblem[];
  /** sha256 of the file's bytes: a resumed or replayed run must be on the same inputs. */
  sha256: string;
}

/** The request format a line does not name: OpenAI Responses take `input`, Chat Completions have no `system`. */
function inferFormat(request: Record<string, unknown>, fallback: RequestFormat): RequestFormat {
  if ('input' in request && !('messages' in request)) return 'openai-responses';
  return fallback;
}

export function parseDataset(
  text: string,
  file: string,
  defaultFormat: RequestFormat = 'anthropic-messages',
): Dataset {
  const cases: AuditCase[] = [];
  const problems: DatasetProblem[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, field: null, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    const parsed = caseSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push({
        line,
        field: issue?.path.join('.') || null,
        message: issue?.message ?? 'invalid case',
      });
      return;
    }
    const c = parsed.data;
    if (ids.has(c.id)) {
      problems.push({ line, field: 'id', message: `duplicate case id "${c.id}"` });
      return;
    }
    ids.add(c.id);
    cases.push({
      id: c.id,
      format: c.format ?? inferFormat(c.request, defaultFormat),
      request: c.request,
      reference: c.reference,
      tags: c.tags ?? [],
    });
  });
  return { file, cases, problems, sha256: createHash('sha256').update(text).digest('hex') };
}

export async function loadDataset(file: string, defaultFormat?: RequestFormat): Promise<Dataset> {
  return parseDataset(await readFile(file, 'utf8'), file, defaultFormat);
}

/** Cases of a requirement's subset: those carrying every one of its tags. */
export function inSubset(c: { tags: readonly string[] }, tags: readonly string[] | undefined): boolean {
  return tags === undefined || tags.every((t) => c.tags.includes(t));
}
