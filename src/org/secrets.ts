import type { FieldPath } from './issue.js';

/**
 * Secrets never go in `mileage.yaml`: the file is meant to be committed and shared. A source names the
 * environment variable that holds its secret (`token_env: GITHUB_TOKEN`); anything that looks like the
 * secret itself is an error. Two signals, either is enough:
 * - a key named like a secret (token, secret, password, api_key) whose value is not an env var name;
 * - a value with the prefix of a well-known token format, whatever its key.
 */
const SECRET_KEY = /(^|[_-])(token|secret|password|passwd|api_?key)$/i;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

const TOKEN_PREFIXES = [
  ['sk-', 'an OpenAI or Anthropic API key'],
  ['ghp_', 'a GitHub token'],
  ['gho_', 'a GitHub token'],
  ['ghu_', 'a GitHub token'],
  ['ghs_', 'a GitHub token'],
  ['github_pat_', 'a GitHub token'],
  ['glpat-', 'a GitLab token'],
  ['lin_api_', 'a Linear API key'],
  ['ATATT', 'an Atlassian API token'],
  ['xoxb-', 'a Slack token'],
  ['xoxp-', 'a Slack token'],
] as const satisfies readonly (readonly [string, string])[];

export interface SecretFinding {
  /** Full path from the file's root, e.g. `['sources', 'github', 'token']`. */
  path: FieldPath;
  message: string;
}

/** Every literal secret under `sources`, however deeply nested. Never repeats the secret in the message. */
export function findLiteralSecrets(sources: unknown): SecretFinding[] {
  const found: SecretFinding[] = [];
  const visit = (value: unknown, path: (string | number)[], source: string) => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => visit(v, [...path, i], source));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, [...path, k], source);
    } else {
      const why = secretReason(path.at(-1), value);
      if (why) found.push({ path: ['sources', ...path], message: advice(why, path, source) });
    }
  };
  if (sources !== null && typeof sources === 'object' && !Array.isArray(sources)) {
    for (const [name, config] of Object.entries(sources)) visit(config, [name], name);
  }
  return found;
}

/** Whether a value has the prefix of a well-known token format (never echo such a value back). */
export function looksLikeToken(value: string): boolean {
  return tokenKind(value) !== undefined;
}

function tokenKind(value: string): string | undefined {
  const v = value.trim();
  return TOKEN_PREFIXES.find(([prefix]) => v.startsWith(prefix))?.[1];
}

function secretReason(key: string | number | undefined, value: unknown): string | null {
  const kind = typeof value === 'string' ? tokenKind(value) : undefined;
  if (kind) return `looks like ${kind}`;
  if (typeof key === 'string' && SECRET_KEY.test(key)) {
    if (typeof value === 'number') return `"${key}" holds a literal value`;
    if (typeof value === 'string' && !ENV_NAME.test(value.trim())) return `"${key}" holds a literal value`;
  }
  return null;
}

/** Tells the user exactly what to write instead, with a variable name derived from where the secret was. */
function advice(why: string, path: FieldPath, source: string): string {
  // path[0] is the source's name; a secret given as the whole source gets the generic token_env.
  const key = path.length > 1 ? path.at(-1) : undefined;
  const base = typeof key === 'string' ? key.replace(/_env$/i, '') : 'token';
  const variable = `${source}_${base}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return (
    `${why}: secrets never go in this file. Put the secret in an environment variable and name the ` +
    `variable here instead, e.g. ${base}_env: ${variable}`
  );
}
