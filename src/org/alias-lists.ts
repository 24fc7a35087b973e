import type { AliasKind } from '../domain/directory.js';

/**
 * Which list of a person in `mileage.yaml` holds each kind of identity. Keyed by kind so that a kind added
 * to the domain fails to compile here until the file has a list for it.
 */
export const ALIAS_LISTS = {
  email: 'emails',
  git_name: 'git_names',
  login: 'logins',
  tracker_id: 'tracker_ids',
  key_id: 'key_ids',
  account_id: 'account_ids',
} as const satisfies Record<AliasKind, string>;

export type AliasList = (typeof ALIAS_LISTS)[AliasKind];
