import { firstText, type Attributes } from './attributes.js';

/**
 * The person behind telemetry, as the agents write it (reference §2): an email when the user signed in,
 * else the account ids, else `enduser.id`, which admins set through OTEL_RESOURCE_ATTRIBUTES when API-key
 * auth leaves no identity. Hashed on storage, resolved through the directory's aliases.
 */
const ACTOR_KEYS = ['user.email', 'user.account_uuid', 'user.account_id', 'enduser.id'] as const;

export function actorOf(a: Attributes): string | undefined {
  return firstText(a, ACTOR_KEYS);
}
