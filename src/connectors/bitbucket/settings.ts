import { z } from 'zod';
import type { SecretAuth } from '../base.js';
import { baseFields } from '../config.js';
import { basicOrBearer } from '../basic-or-bearer.js';

/** Settings both Bitbucket editions share. */
export const bitbucketFields = {
  ...baseFields,
  /**
   * With a user name (Cloud: your Atlassian account email for an API token, or the Bitbucket user name for
   * an app password; Data Center: the user name), the token is sent as Basic user:token; without one, as a
   * Bearer access token (Cloud repository/workspace access tokens, Data Center HTTP access tokens).
   */
  username: z.string().min(1).optional(),
  /** Most pages of commits, diffstat and activity read per PR (a page holds up to 100). */
  max_detail_pages: z.number().int().min(1).max(50).optional(),
};

export function bitbucketAuth(
  token: string,
  s: { username?: string | undefined; token_env?: string | undefined },
): SecretAuth {
  return basicOrBearer(token, { label: 'user', name: s.username }, s.token_env);
}

/** `workspace/repo` or `PROJECT/repo`. */
export const repoList = (example: string) =>
  z
    .array(z.string().regex(/^[\w.~-]+\/[\w.-]+$/, `expected a repository as ${example}`), {
      error: `expected a list of repositories, such as [${example}]`,
    })
    .min(1, 'expected at least one repository');
