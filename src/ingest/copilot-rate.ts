import { z } from 'zod';
import { LIST_PREMIUM_RATE, type PremiumRate } from '../domain/copilot-billing.js';
import { usd } from '../domain/money.js';
import { err, ok, type Result } from '../domain/result.js';
import { MileageError } from '../domain/errors.js';
import { formatIssue, loadSourceConfigs, type OrgFileIssue, type SourceConfig } from '../org/index.js';

/** The mileage.yaml section that names it: `sources: { copilot-cli: { premium_request_usd: 0.04 } }`. */
export const SETTINGS_NAME = 'copilot-cli';

const settingsSchema = z.strictObject({
  /** What the org pays per premium request beyond its plan's allowance (GitHub's list price is $0.04). */
  premium_request_usd: z
    .union([z.number(), z.string().regex(/^\d+(\.\d+)?$/)], {
      error: 'expected an amount in USD per premium request, such as 0.04',
    })
    .optional(),
});

/** The premium-request rate to price Copilot usage with: the org's when mileage.yaml gives one, else GitHub's list. */
export function premiumRate(sources: readonly SourceConfig[]): Result<PremiumRate, OrgFileIssue[]> {
  const source = sources.find((s) => s.name === SETTINGS_NAME);
  if (!source) return ok(LIST_PREMIUM_RATE);
  const parsed = settingsSchema.safeParse(source.config);
  if (!parsed.success) {
    return err(
      parsed.error.issues.map((i) =>
        source.issueAt(
          i.path.filter((p): p is string | number => typeof p !== 'symbol'),
          i.code === 'unrecognized_keys' ? `unknown field "${i.keys.join('", "')}"` : i.message,
        ),
      ),
    );
  }
  const value = parsed.data.premium_request_usd;
  if (value === undefined) return ok(LIST_PREMIUM_RATE);
  const amount = usd(value);
  if (amount.isNegative())
    return err([source.issueAt(['premium_request_usd'], 'expected an amount in USD >= 0')]);
  return ok({ usd: amount, source: 'mileage.yaml' });
}

/**
 * The premium-request rate an org file gives (`sources.copilot-cli.premium_request_usd`), else GitHub's list:
 * the one rate every path that reads Copilot usage prices it with (agent logs, the OTLP receiver).
 */
export async function orgPremiumRate(file: string | null | undefined): Promise<PremiumRate> {
  if (!file) return LIST_PREMIUM_RATE;
  const sources = await loadSourceConfigs(file);
  if (!sources.ok) throw new MileageError('config', sources.error.map(formatIssue).join('\n'));
  const rate = premiumRate(sources.value);
  if (!rate.ok) throw new MileageError('config', rate.error.map(formatIssue).join('\n'));
  return rate.value;
}
