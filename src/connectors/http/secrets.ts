import { MileageError } from '../../domain/errors.js';

/**
 * A connector's secret, read from the environment variable that mileage.yaml names (`token_env: GITHUB_TOKEN`).
 * The value is held in memory for the run only: never stored, never logged, scrubbed from errors.
 */
export function readSecret(env: NodeJS.ProcessEnv, variable: string, where: string): string {
  const value = env[variable]?.trim();
  if (!value) {
    throw new MileageError(
      'config',
      `${where}: the environment variable ${variable} is not set`,
      `Export it before running, e.g. \`export ${variable}=…\` (the value never goes in mileage.yaml).`,
    );
  }
  return value;
}
