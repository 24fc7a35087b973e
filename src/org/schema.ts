import { z } from 'zod';

/**
 * The shape of `mileage.yaml`, validated at the edge. Objects are strict: an unknown key is a typo until
 * proven otherwise, and a typo in an org file silently mis-attributes spend. Money stays as the YAML
 * source text (see load.ts) so it is parsed as decimal, never through a float.
 */
const id = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'expected an id of letters, digits, ".", "_" or "-"');
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a day as YYYY-MM-DD');
/** Money as given in the file: a number or a numeric string; converted to decimal from its source text. */
const money = z
  .union([z.number(), z.string().regex(/^\d+(\.\d+)?$/)])
  .refine((v) => Number(v) >= 0, 'expected an amount >= 0');
const aliases = z.array(z.union([z.string(), z.number()]).transform(String)).optional();

export const orgFileSchema = z
  .object({
    org: z.string().min(1),
    time_zone: z.string().default('UTC'),
    privacy: z
      .object({
        individuals: z.enum(['visible', 'team', 'hidden']).default('team'),
        min_group_size: z.number().int().min(1).default(5),
      })
      .strict()
      .default({ individuals: 'team', min_group_size: 5 }),
    teams: z
      .array(z.object({ id, name: z.string().min(1), loaded_cost_per_engineer: money.optional() }).strict())
      .default([]),
    people: z
      .array(
        z
          .object({
            id,
            name: z.string().min(1),
            team: id.optional(),
            emails: aliases,
            git_names: aliases,
            logins: aliases,
            tracker_ids: aliases,
            key_ids: aliases,
            account_ids: aliases,
          })
          .strict(),
      )
      .default([]),
    keys: z
      .array(
        z
          .object({
            id: z.string().min(1),
            name: z.string().min(1),
            owner: id.optional(),
            team: id.optional(),
            workflow: id.optional(),
            workload_type: z.string().optional(),
          })
          .strict(),
      )
      .default([]),
    workflows: z
      .array(
        z
          .object({
            id,
            name: z.string().min(1),
            outcome_kind: z.string().optional(),
            quality_bar: z.string().optional(),
            team: id.optional(),
          })
          .strict(),
      )
      .default([]),
    seats: z
      .array(
        z
          .object({
            tool: z.string().min(1),
            plan: z.string().optional(),
            monthly_price: money,
            assignees: z.union([z.literal('all'), z.array(id)]),
            from: day.optional(),
            until: day.optional(),
          })
          .strict(),
      )
      .default([]),
    accounts: z.array(z.object({ tool: z.string().min(1), stream: z.string().min(1) }).strict()).default([]),
    price_overrides: z
      .array(
        z.union([
          z
            .object({
              provider: z.string().min(1),
              discount_percent: money,
              from: day.optional(),
              until: day.optional(),
            })
            .strict(),
          z
            .object({
              model: z.string().min(1),
              provider: z.string().optional(),
              input_per_mtok: money,
              output_per_mtok: money,
              cache_read_per_mtok: money.optional(),
              cache_write_per_mtok: money.optional(),
              from: day.optional(),
              until: day.optional(),
            })
            .strict(),
        ]),
      )
      .default([]),
    /** Connector settings, validated by each connector; secrets are named by environment variable only. */
    sources: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  })
  .strict();

export type OrgFile = z.infer<typeof orgFileSchema>;
