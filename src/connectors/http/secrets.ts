import { MileageError } from '../../domain/errors.js';

/**
 * A secret's environment variable is not set. It carries the source and the field that names the variable so
 * that `mileage sync` can report every missing one at once, each at its line in mileage.yaml, rather than stop
 * at the first.
 */
export class MissingSecretError extends MileageError {
  override readonly name = 'MissingSecretError';
  constructor(
    readonly source: string,
    readonly field: string,
    readonly variable: string,
  ) {
    super(
      'config',
      `sources.${source}.${field}: the environment variable ${variable} is not set`,
      `Export it before running, e.g. \`export ${variable}=…\` (the value never goes in mileage.yaml).`,
    );
  }
}

/**
 * A connector's secret, read from the environment variable that mileage.yaml names (`token_env: GITHUB_TOKEN`).
 * The value is held in memory for the run only: never stored, never logged, scrubbed from errors.
 */
export function readSecret(env: NodeJS.ProcessEnv, variable: string, source: string, field: string): string {
  const value = env[variable]?.trim();
  if (!value) throw new MissingSecretError(source, field, variable);
  return value;
}
