import { readFile } from 'node:fs/promises';
import type { OrgDirectory } from '../domain/directory.js';
import { usd } from '../domain/money.js';
import { err, ok, type Result } from '../domain/result.js';
import type { OrgFileIssue } from '../org/issue.js';
import { openOrgDocument } from '../org/org-document.js';
import { unknownFieldMessage, zodMessage } from '../org/messages.js';
import {
  alertsSchema,
  budgetId,
  budgetSchema,
  DEFAULT_THRESHOLDS,
  rulesSchema,
  type Budget,
  type GovernanceSettings,
} from './config.js';

/**
 * Reads `budgets:` and `alerts:` from the org file (the org schema lets them through; governance owns their
 * shape), the way src/org reads the rest: every issue collected, each with its file, line, column and field
 * (`budgets[2].amount`), and the references checked against the file's own ids — a budget for a team that
 * does not exist would never alert, which is worse than an error.
 */
export function parseGovernance(source: string, file: string): Result<GovernanceSettings, OrgFileIssue[]> {
  const opened = openOrgDocument(source, file);
  if (!opened.ok) return opened;
  const { root, at, issues, add } = opened.value;

  const budgetsRaw = root.budgets ?? [];
  const budgets: Budget[] = [];
  if (!Array.isArray(budgetsRaw)) add(['budgets'], 'expected a list of budgets, each starting with "- "');
  else {
    const ids = idsOf(root);
    const privacy = (root.privacy as Record<string, unknown> | null | undefined)?.individuals ?? 'team';
    const seen = new Map<string, number>();
    budgetsRaw.forEach((raw, i) => {
      const parsed = budgetSchema.safeParse(raw, { error: zodMessage });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const path = [
            'budgets',
            i,
            ...issue.path.filter((p): p is string | number => typeof p !== 'symbol'),
          ];
          if (issue.code === 'unrecognized_keys')
            for (const key of issue.keys)
              add(
                [...path, key],
                unknownFieldMessage(key, Object.keys(budgetSchema.shape)),
                at.keyPlace(path, key),
              );
          else add(path, issue.message);
        }
        return;
      }
      const b = parsed.data;
      const subject =
        typeof b.subject === 'number'
          ? (at.numberSource(['budgets', i, 'subject']) ?? String(b.subject))
          : b.subject;
      const known = b.scope === 'tool' ? null : ids[b.scope];
      if (known && !known.has(subject))
        add(
          ['budgets', i, 'subject'],
          `no ${b.scope} "${subject}" in this file (${b.scope}s: ${[...known].slice(0, 10).join(', ') || 'none'})`,
        );
      if (b.scope === 'person' && privacy === 'hidden')
        add(
          ['budgets', i, 'scope'],
          'privacy.individuals is hidden: a budget may not single out a person (use a team, workflow or key budget)',
        );
      const id = b.id ?? budgetId(b.scope, subject, b.period);
      const first = seen.get(id);
      if (first !== undefined)
        add(['budgets', i, 'id'], `budget id "${id}" is already used by budgets[${first}]`);
      seen.set(id, i);
      budgets.push({
        id,
        scope: b.scope,
        subject,
        amount: usd(at.numberSource(['budgets', i, 'amount']) ?? String(b.amount).trim()),
        period: b.period,
        thresholds: [...new Set(b.thresholds ?? DEFAULT_THRESHOLDS)].sort((x, y) => x - y),
        forecast: b.forecast ?? true,
        origin: 'file',
      });
    });
  }

  const alerts = alertsSchema.safeParse(root.alerts ?? {}, { error: zodMessage });
  if (!alerts.success) {
    for (const issue of alerts.error.issues) {
      const path = ['alerts', ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
      if (issue.code === 'unrecognized_keys') {
        const known = knownAlertFields(path);
        for (const key of issue.keys)
          add([...path, key], unknownFieldMessage(key, known), at.keyPlace(path, key));
      } else add(path, issue.message);
    }
  }
  if (issues.length || !alerts.success)
    return err(issues.sort((a, b) => a.line - b.line || a.column - b.column));
  const enabled = root.alerts !== undefined || (Array.isArray(budgetsRaw) && budgetsRaw.length > 0);
  return ok({ enabled, budgets, alerts: alerts.data });
}

export async function loadGovernance(file: string): Promise<Result<GovernanceSettings, OrgFileIssue[]>> {
  return parseGovernance(await readFile(file, 'utf8'), file);
}

/**
 * The runtime alerting needs, from an org directory read from a file: null when there is no file or it
 * asks for no alerting. Issues in the sections are an error the caller reports (as `org check` does).
 */
export async function governanceFor(
  directory: OrgDirectory | null | undefined,
): Promise<Result<{ directory: OrgDirectory; settings: GovernanceSettings } | null, OrgFileIssue[]>> {
  if (!directory?.file) return ok(null);
  const settings = await loadGovernance(directory.file);
  if (!settings.ok) return settings;
  return ok(settings.value.enabled ? { directory, settings: settings.value } : null);
}

/** The fields allowed where an unknown one was written, to suggest the one meant. */
function knownAlertFields(path: readonly (string | number)[]): string[] | undefined {
  if (path.length === 1) return Object.keys(alertsSchema.shape);
  if (path.length === 2 && path[1] === 'rules') return Object.keys(rulesSchema.shape);
  const rule = path.length === 3 ? rulesSchema.shape[path[2] as keyof typeof rulesSchema.shape] : undefined;
  const inner = rule?.unwrap();
  return inner && 'shape' in inner ? Object.keys(inner.shape) : undefined;
}

function idsOf(root: Record<string, unknown>): Record<'team' | 'workflow' | 'key' | 'person', Set<string>> {
  const ids = (section: string) =>
    new Set(
      (Array.isArray(root[section]) ? (root[section] as unknown[]) : [])
        .map((e) => (e && typeof e === 'object' ? (e as Record<string, unknown>).id : undefined))
        .filter((v) => typeof v === 'string' || typeof v === 'number')
        .map(String),
    );
  return { team: ids('teams'), workflow: ids('workflows'), key: ids('keys'), person: ids('people') };
}
