import { readFile } from 'node:fs/promises';
import { err, ok, type Result } from '../domain/result.js';
import type { OrgFileIssue } from '../org/issue.js';
import { openOrgDocument } from '../org/org-document.js';
import { unknownFieldMessage } from '../org/messages.js';
import { knownExperimentFields, validateExperiment, type Experiment } from './experiment-config.js';

/**
 * Reads `experiments:` from the org file (the org schema lets the section through; governance owns its
 * shape), every issue with its file, line, column and field (`experiments[0].metrics[2].target`), team ids
 * checked against the file's own `teams:`.
 */
export function parseExperiments(source: string, file: string): Result<Experiment[], OrgFileIssue[]> {
  const opened = openOrgDocument(source, file);
  if (!opened.ok) return opened;
  const { root, at, issues, add } = opened.value;
  const raw = root.experiments ?? [];
  if (!Array.isArray(raw)) {
    add(['experiments'], 'expected a list of experiments, each starting with "- "');
    return err(issues);
  }
  const teams = new Set(
    (Array.isArray(root.teams) ? (root.teams as unknown[]) : [])
      .map((t) => (t && typeof t === 'object' ? (t as Record<string, unknown>).id : undefined))
      .filter((v) => typeof v === 'string' || typeof v === 'number')
      .map(String),
  );
  const experiments: Experiment[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry, i) => {
    const checked = validateExperiment(entry, teams, 'file');
    if (!checked.ok) {
      for (const issue of checked.issues) {
        const path = ['experiments', i, ...issue.path];
        const key = issue.path.at(-1);
        if (issue.message.startsWith('unknown field') && typeof key === 'string') {
          const parent = path.slice(0, -1);
          add(
            path,
            unknownFieldMessage(key, knownExperimentFields(issue.path.slice(0, -1))),
            at.keyPlace(parent, key),
          );
        } else add(path, issue.message);
      }
      return;
    }
    const first = seen.get(checked.value.id);
    if (first !== undefined)
      add(
        ['experiments', i, 'id'],
        `experiment id "${checked.value.id}" is already used by experiments[${first}]`,
      );
    seen.set(checked.value.id, i);
    experiments.push(checked.value);
  });
  if (issues.length) return err(issues.sort((a, b) => a.line - b.line || a.column - b.column));
  return ok(experiments);
}

export async function loadExperiments(file: string): Promise<Result<Experiment[], OrgFileIssue[]>> {
  return parseExperiments(await readFile(file, 'utf8'), file);
}
