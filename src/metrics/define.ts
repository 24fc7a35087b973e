import type { DayWindow } from '../domain/time.js';
import { findMetric, type MetricId } from './catalog.js';
import type { MetricContext, MetricDefinition } from './metric.js';
import type { Dimension } from './query.js';
import type { Cell, MetricColumn, MetricTable } from './table.js';

/** A column of a metric's table, its id typed so that every row must fill it. */
export interface ColumnOf<C extends string> extends MetricColumn {
  id: C;
}

/** One row of a metric's answer: a value for each of its columns. */
export interface RowOf<C extends string> {
  key: string;
  label: string;
  values: Record<C, Cell>;
}

/** What a metric's compute returns: its rows and notes, the grouping it used, and its window if not the asked one. */
export interface Computed<C extends string> {
  /** The grouping actually used (person falls back to team when people may not be named); null = none. */
  by: string | null;
  rows: RowOf<C>[];
  notes: string[];
  /** Set when the metric reads another window than the context's (the calendar's year). */
  window?: DayWindow;
}

export interface MetricSpec<C extends string> {
  id: MetricId;
  /** The dimensions `--by` / `by=` accept; empty when the rows are fixed (days, weeks, horizons, levels). */
  dims: readonly Dimension[];
  /** The grouping used when none is asked for (spend.total groups by team); default none. */
  defaultBy?: Dimension;
  /** The table's columns, in order: static, or from the context when a label names the window. */
  columns: readonly ColumnOf<C>[] | ((ctx: MetricContext) => readonly ColumnOf<C>[]);
  compute(ctx: MetricContext, by: Dimension | null): Promise<Computed<C>>;
}

/** A catalog metric as every surface reads it: the CLI's `query`, the API, the dashboard and the reports. */
export interface QueryableMetric {
  id: MetricId;
  definition: MetricDefinition;
  dims: readonly Dimension[];
  defaultBy: Dimension | null;
  /** The answer, grouped by `by` (null: the metric's default grouping). A function value: callers pass it on. */
  run: (ctx: MetricContext, by?: Dimension | null) => Promise<MetricTable>;
}

/**
 * A metric defined once (as `defineConnector` defines a connector): its catalog entry (found by id, so a
 * metric cannot exist without one), the dimensions it can be grouped by, its columns and its computation.
 * The table every surface prints is assembled here, so the columns a row carries are the columns declared.
 */
export function defineMetric<C extends string>(spec: MetricSpec<C>): QueryableMetric {
  const definition = findMetric(spec.id);
  if (!definition) throw new Error(`metric ${spec.id} is not in the catalog`);
  const columns = (ctx: MetricContext): readonly ColumnOf<C>[] =>
    typeof spec.columns === 'function' ? spec.columns(ctx) : spec.columns;
  const defaultBy = spec.defaultBy ?? null;
  return {
    id: spec.id,
    definition,
    dims: spec.dims,
    defaultBy,
    run: async (ctx, by = null) => {
      const answer = await spec.compute(ctx, by ?? defaultBy);
      const cols = columns(ctx);
      return {
        metric: spec.id,
        window: answer.window ?? ctx.window,
        by: answer.by,
        columns: cols.map((c) => ({ id: c.id, label: c.label, unit: c.unit })),
        // Only the declared columns travel, in the declared order: no renderer sees a value it has no column for.
        rows: answer.rows.map((r) => ({
          key: r.key,
          label: r.label,
          values: Object.fromEntries(cols.map((c) => [c.id, r.values[c.id] ?? null])),
        })),
        notes: answer.notes,
      };
    },
  };
}
