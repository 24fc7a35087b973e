import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { modelUsageSchema, type ModelUsage } from './schema.js';

const metadataSchema = z.object({ model_usage: z.array(z.unknown()).optional() });

/**
 * The model switches of the task beside a ui_messages.json (its task_metadata.json), read here at the source's
 * edge so the parser stays pure. A missing or unreadable file, or a bad entry, only leaves the model unnamed:
 * the file is the extension's bookkeeping, not a usage record.
 */
export function taskModels(uiMessages: string): ModelUsage[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(join(dirname(uiMessages), 'task_metadata.json'), 'utf8'));
  } catch {
    return [];
  }
  const doc = metadataSchema.safeParse(json);
  if (!doc.success) return [];
  return (doc.data.model_usage ?? [])
    .flatMap((u) => {
      const parsed = modelUsageSchema.safeParse(u);
      return parsed.success ? [parsed.data] : [];
    })
    .sort((a, b) => a.ts - b.ts);
}
