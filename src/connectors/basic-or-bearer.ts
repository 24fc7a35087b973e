import type { SecretAuth } from './base.js';

/**
 * The authorisation Jira, Confluence and Bitbucket share: Basic `user:token` when the settings name a user (an
 * email with an API token, or a user name with a password), else the token as a Bearer (an OAuth or personal
 * access token). The Basic form is listed among the secrets, so errors scrub it as well as the raw token.
 */
export function basicOrBearer(
  token: string,
  user: { label: 'email' | 'user'; name: string | undefined },
  tokenEnv: string | undefined,
): SecretAuth {
  const basic = user.name ? Buffer.from(`${user.name}:${token}`).toString('base64') : null;
  return {
    header: 'authorization',
    value: basic ? `Basic ${basic}` : `Bearer ${token}`,
    secrets: basic ? [basic] : [],
    hint: `the token in $${tokenEnv ?? ''}${user.name ? ` (with ${user.label} ${user.name})` : ''}`,
  };
}
