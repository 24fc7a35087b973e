import type { Usd } from './money.js';
import type { PriceOverride, PriceMultiplier } from './prices.js';

/**
 * The org directory, as read from `mileage.yaml` (src/org validates and builds it). Identity is resolved at
 * query time through the alias table built from it, so editing the file re-attributes history.
 */
export type IndividualsVisibility = 'visible' | 'team' | 'hidden';

export interface Privacy {
  /** visible: people are named; team: only to managers of their team; hidden: never, groups only. */
  individuals: IndividualsVisibility;
  /** Groups smaller than this are merged into "other" in every output. */
  minGroupSize: number;
}

export interface Team {
  id: string;
  name: string;
  /** Loaded cost per engineer per year, for ROI (optional). */
  loadedCostPerEngineer: Usd | null;
  /** Person id of the engineer who coaches the team on its AI use (gets its high-usage alerts). */
  coach?: string | null;
  /** Person id of the team's manager (gets the weekly alert digest). */
  manager?: string | null;
}

export const ALIAS_KINDS = ['email', 'git_name', 'login', 'tracker_id', 'key_id', 'account_id'] as const;
export type AliasKind = (typeof ALIAS_KINDS)[number];

export interface Person {
  id: string;
  name: string;
  team: string | null;
  aliases: { kind: AliasKind; value: string }[];
}

export interface ApiKey {
  /** The provider's key id, or the gateway's virtual key name. */
  id: string;
  name: string;
  owner: string | null;
  team: string | null;
  workflow: string | null;
  /** e.g. agentic-coding, triage, summarisation, review: what tokens-per-dollar band to expect. */
  workloadType: string | null;
}

export interface Workflow {
  id: string;
  name: string;
  /** The outcome kind that measures this workflow's output (alert_triaged, ticket_resolved, pr_merged…). */
  outcomeKind: string | null;
  /** The quality bar a cheaper model would have to clear, in words. */
  qualityBar: string | null;
  team: string | null;
}

export interface SeatPlan {
  tool: string;
  plan: string | null;
  monthlyPrice: Usd;
  /** People ids. */
  assignees: string[];
  from: string | null;
  until: string | null;
}

/** The billing account a tool's usage belongs to when its records do not say (`claude-code` → `anthropic:acme`). */
export interface DefaultAccount {
  tool: string;
  stream: string;
}

export interface OrgDirectory {
  /** Where it was read from, for error messages. */
  file: string | null;
  org: string;
  timeZone: string;
  teams: Team[];
  people: Person[];
  keys: ApiKey[];
  workflows: Workflow[];
  seats: SeatPlan[];
  accounts: DefaultAccount[];
  priceOverrides: PriceOverride[];
  /** Factors on the whole price by how requests were served (priority tier, region, fast mode, batch). */
  priceMultipliers: PriceMultiplier[];
  privacy: Privacy;
  /** Names of configured real sources (connectors, log folders); empty means "nothing real yet". */
  sources: string[];
  /** Where reports are posted: the name of the environment variable holding the Slack webhook URL. */
  notify?: NotifySettings;
  /** `mileage serve` settings (null: the command's defaults). */
  server?: ServerSettings;
  /** How the org delivers (absent: every repository works through PRs). */
  delivery?: DeliverySettings;
  /** Configured tokens-per-dollar bands by workload type (absent: every type is compared with its peers). */
  workloadBands?: WorkloadBand[];
}

/** Where alerts and reports go; every secret is the name of an environment variable, never its value. */
export interface NotifySettings {
  slackWebhookEnv: string | null;
  teamsWebhookEnv?: string | null;
  email?: EmailSettings | null;
  webhook?: { urlEnv: string; secretEnv: string } | null;
}

export interface EmailSettings {
  host: string;
  port: number;
  secure: boolean;
  from: string;
  /** Org-wide recipients (alerts with no coach, the weekly report). */
  to: string[];
  userEnv: string | null;
  passwordEnv: string | null;
}

export interface WorkloadBand {
  type: string;
  low: number;
  high: number;
}

export interface DeliverySettings {
  /** Repositories whose delivery unit is a commit (identity, `owner/name` or a clone's path, as written). */
  trunkBased: string[];
}

export interface ServerSettings {
  host: string | null;
  port: number | null;
  /** Minutes between scheduled syncs of the API sources; null or 0: no scheduled syncs. */
  syncIntervalMinutes: number | null;
  ingestRequestsPerMinute: number | null;
  /** Host names the server answers to besides loopback names and IP addresses (DNS rebinding check). */
  publicNames: string[];
  /** The OTLP receiver needs an ingest token (Authorization: Bearer). */
  otlpTokenRequired: boolean;
}

export const DEFAULT_PRIVACY: Privacy = { individuals: 'team', minGroupSize: 5 };

export function emptyDirectory(): OrgDirectory {
  return {
    file: null,
    org: 'my-org',
    timeZone: 'UTC',
    teams: [],
    people: [],
    keys: [],
    workflows: [],
    seats: [],
    accounts: [],
    priceOverrides: [],
    priceMultipliers: [],
    privacy: DEFAULT_PRIVACY,
    sources: [],
  };
}
