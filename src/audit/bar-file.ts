import { readFile } from 'node:fs/promises';
import { InputError } from '../domain/errors.js';
import { inputErrorOf, openOrgDocument } from '../org/org-document.js';
import { qualityBarsSchema, type QualityBar } from './bar.js';

/**
 * Reads the `quality_bars:` section of an org file (the org schema lets it through unread; the audit owns its
 * shape). Problems name the file, line and field; two entries of the same workflow and version are refused,
 * because a version is what results are scored against and must mean one bar.
 */
export function parseQualityBars(source: string, file: string): QualityBar[] {
  const opened = openOrgDocument(source, file);
  if (!opened.ok) throw inputErrorOf(opened.error);
  const { root, at } = opened.value;
  const raw = root.quality_bars ?? [];
  const parsed = qualityBarsSchema.safeParse(raw ?? []);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = ['quality_bars', ...(issue?.path ?? [])].map((p) => (typeof p === 'symbol' ? String(p) : p));
    throw new InputError(
      file,
      at.place(path).line,
      path.join('.'),
      issue?.message ?? 'invalid quality bar',
      'See "Quality bars" in docs/audits.md for the check kinds and their fields.',
    );
  }
  const seen = new Set<string>();
  parsed.data.forEach((bar, i) => {
    const key = `${bar.workflow}\0${bar.version}`;
    if (seen.has(key))
      throw new InputError(
        file,
        at.place(['quality_bars', i, 'version']).line,
        `quality_bars.${i}.version`,
        `workflow ${bar.workflow} already has a bar version ${bar.version}: give the changed bar the next version`,
      );
    seen.add(key);
  });
  return parsed.data;
}

export async function loadQualityBars(file: string): Promise<QualityBar[]> {
  return parseQualityBars(await readFile(file, 'utf8'), file);
}
