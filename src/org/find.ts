import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The org file a command reads: `--config` wins, then $MILEAGE_CONFIG, then ./mileage.yaml when it exists;
 * relative paths from cwd. Its own module so a command's quick path can find it without loading the parser.
 */
export function findOrgFile(o: {
  explicit?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}): string | null {
  if (o.explicit) return resolve(o.cwd, o.explicit);
  if (o.env.MILEAGE_CONFIG) return resolve(o.cwd, o.env.MILEAGE_CONFIG);
  const local = resolve(o.cwd, 'mileage.yaml');
  return existsSync(local) ? local : null;
}
