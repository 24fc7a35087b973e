/** The HTTP layer every connector shares: one client with retries and rate limits, secrets from the environment. */
export { systemClock, type Clock } from './clock.js';
export {
  HttpClient,
  type HttpAuth,
  type HttpClientOptions,
  type HttpStats,
  type JsonResponse,
  type RetryEvent,
} from './client.js';
export { graphql, isGraphqlRateLimited } from './graphql.js';
export { describeEndpoint, scrub } from './redact.js';
export { MissingSecretError, readSecret } from './secrets.js';
