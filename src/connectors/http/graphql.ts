import { MileageError } from '../../domain/errors.js';
import type { HttpClient } from './client.js';
import { describeEndpoint } from './redact.js';

interface GraphqlError {
  message?: unknown;
  type?: unknown;
  extensions?: { code?: unknown } | null;
}

function errorsOf(body: unknown): GraphqlError[] {
  if (body === null || typeof body !== 'object') return [];
  const errors = (body as { errors?: unknown }).errors;
  return Array.isArray(errors) ? (errors as GraphqlError[]) : [];
}

/**
 * A GraphQL body that reports a rate limit: GitHub answers `type: RATE_LIMITED` with HTTP 200, Linear
 * `extensions.code: RATELIMITED` (possibly with HTTP 400). The client retries these like a 429.
 */
export function isGraphqlRateLimited(body: unknown): boolean {
  return errorsOf(body).some(
    (e) =>
      e.type === 'RATE_LIMITED' ||
      e.extensions?.code === 'RATELIMITED' ||
      e.extensions?.code === 'RATE_LIMITED',
  );
}

/**
 * Posts a query and returns its `data`. GraphQL errors are upstream errors naming the endpoint and the
 * first message; the client has already scrubbed secrets from anything it raised itself.
 */
export async function graphql(
  http: HttpClient,
  url: URL,
  query: string,
  variables: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<unknown> {
  const { body } = await http.postJson(url, { query, variables }, signal);
  const errors = errorsOf(body);
  const data = body !== null && typeof body === 'object' ? (body as { data?: unknown }).data : undefined;
  if (errors.length > 0 || data === undefined || data === null) {
    const first = errors[0]?.message;
    const said = typeof first === 'string' ? first.slice(0, 200) : 'no data in the response';
    throw new MileageError(
      'upstream',
      http.scrub(`${describeEndpoint('POST', url)}: GraphQL error: ${said}`),
    );
  }
  return data;
}
