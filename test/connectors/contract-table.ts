import { CONNECTOR_TYPES, type ConnectorType } from '../../src/connectors/registry.js';
import {
  fixture,
  githubSearch,
  gitlabProject,
  jiraSearch,
  linearIssues,
  sourceConfig,
  storedOutcomes,
  storedSpend,
} from '../support/apis.js';
import { bitbucketCloud, bitbucketServer } from '../support/bitbucket.js';
import {
  confluenceCloud,
  confluenceServer,
  notionApi,
  type ConfluenceServerSite,
  type ConfluenceSite,
  type NotionWorkspace,
} from '../support/docs-apis.js';
import { ACCESS_TOKEN, calendarApis, geminiApis, storedAbsences } from '../support/google.js';
import type { ReplayServer } from '../support/replay-server.js';

/**
 * Every API connector with its replayed documented responses, for the contract suite (contract.test.ts):
 * the settings to reach a local server, the routes that answer like the vendor, the listing's route (where
 * the suite plants 429s, 5xx and malformed bodies) and how many bad items the fixtures hold on purpose.
 */
export interface ContractCase {
  type: ConnectorType;
  /** The secret in the environment: it must never show in any output. */
  secret: string;
  settings: (url: string) => Record<string, unknown>;
  serve: (server: ReplayServer) => void;
  /** METHOD and path of the listing request. */
  route: [string, string];
  /** Bad items the fixtures hold on purpose: skipped and listed, each a problem. */
  badItems: number;
  /** What a sync stored (outcomes or spend facts), comparable across stores. */
  read: typeof storedOutcomes;
  /** Where the partial sync is killed (a page after which some, not all, records are stored). */
  killAfter: number;
}

const since = '2026-01-01';

/** LiteLLM SpendLogs rows as its `GET /spend/logs` returns them (reference §10.1); the last is bad. */
const LITELLM_ROWS = [
  {
    request_id: 'r1',
    call_type: 'acompletion',
    api_key: 'hk1',
    spend: 0.0123,
    prompt_tokens: 1200,
    completion_tokens: 80,
    startTime: '2026-07-01T10:00:00.000',
    endTime: '2026-07-01T10:00:02.000',
    model: 'gpt-4.1-mini',
    custom_llm_provider: 'openai',
    user: 'ana@acme.com',
    metadata: {},
    request_tags: ['workflow:triage'],
  },
  {
    request_id: 'r2',
    call_type: 'acompletion',
    api_key: 'hk1',
    spend: 0.2,
    prompt_tokens: 5000,
    completion_tokens: 900,
    startTime: '2026-07-02T11:00:00.000',
    endTime: '2026-07-02T11:00:09.000',
    model: 'claude-sonnet-4-6',
    custom_llm_provider: 'anthropic',
    user: 'bo@acme.com',
    metadata: {},
    request_tags: [],
  },
  {
    request_id: 'r3',
    call_type: 'acompletion',
    api_key: 'hk2',
    spend: -1,
    prompt_tokens: 10,
    completion_tokens: 1,
    startTime: '2026-07-02T12:00:00.000',
    model: 'gpt-4.1-mini',
    custom_llm_provider: 'openai',
  },
];

export const CONTRACT_CASES: ContractCase[] = [
  {
    type: 'github',
    secret: 'ghp_contractGithubToken0001112223',
    settings: (url) => ({ repos: ['acme/billing'], base_url: url, page_size: 2 }),
    serve: (s) => s.route('POST', '/graphql', githubSearch(fixture('github/search-nodes.json'))),
    route: ['POST', '/graphql'],
    badItems: 2,
    read: storedOutcomes,
    killAfter: 2,
  },
  {
    type: 'github-issues',
    secret: 'ghp_contractIssuesToken0001112223',
    settings: (url) => ({ repos: ['acme/billing'], base_url: url, page_size: 3 }),
    serve: (s) => s.route('POST', '/graphql', githubSearch(fixture('github-issues/issue-nodes.json'))),
    route: ['POST', '/graphql'],
    // 105 (closedAt no date) and 106 (points label no number, refused by the store's bounds).
    badItems: 2,
    read: storedOutcomes,
    killAfter: 1,
  },
  {
    type: 'gitlab',
    secret: 'glpat-contractGitlabToken00011',
    settings: (url) => ({ projects: ['acme/billing'], base_url: url, page_size: 2 }),
    serve: (s) =>
      gitlabProject(
        s,
        'acme/billing',
        fixture('gitlab/merge-requests.json'),
        fixture('gitlab/mr-commits.json'),
        fixture('gitlab/mr-diffs.json'),
        fixture('gitlab/mr-approvals.json'),
        fixture('gitlab/mr-notes.json'),
      ),
    route: ['GET', `/api/v4/projects/${encodeURIComponent('acme/billing')}/merge_requests`],
    badItems: 2,
    read: storedOutcomes,
    killAfter: 1,
  },
  {
    type: 'jira',
    secret: 'ATATTcontractJiraToken000111222',
    settings: (url) => ({ base_url: url, email: 'ops@acme.com', page_size: 3 }),
    serve: (s) => {
      s.route('GET', '/rest/api/3/field', () => ({ json: fixture('jira/fields.json') }));
      // One issue planted bad: its resolution date is no Jira date.
      const bad = {
        key: 'BILL-999',
        fields: {
          issuetype: { name: 'Bug' },
          status: { statusCategory: { key: 'done' } },
          resolutiondate: 'yesterday',
          updated: '2026-07-01T10:00:00.000+0000',
        },
      };
      s.route(
        'POST',
        '/rest/api/3/search/jql',
        jiraSearch([...fixture<Record<string, unknown>[]>('jira/sync-issues.json'), bad]),
      );
    },
    route: ['POST', '/rest/api/3/search/jql'],
    badItems: 1,
    read: storedOutcomes,
    killAfter: 1,
  },
  {
    type: 'linear',
    secret: 'lin_api_contractLinearKey000111',
    settings: (url) => ({ base_url: url, page_size: 2 }),
    serve: (s) => s.route('POST', '/graphql', linearIssues(fixture('linear/issues.json'))),
    route: ['POST', '/graphql'],
    badItems: 1,
    read: storedOutcomes,
    killAfter: 1,
  },
  {
    type: 'bitbucket',
    secret: 'ATBBcontractBitbucketCloud00011',
    settings: (url) => ({ repos: ['acme/billing'], base_url: url, page_size: 2, username: 'ops@acme.com' }),
    serve: (s) =>
      bitbucketCloud(
        s,
        'acme/billing',
        fixture('bitbucket/cloud-pullrequests.json'),
        fixture('bitbucket/cloud-details.json'),
      ),
    route: ['GET', '/2.0/repositories/acme/billing/pullrequests'],
    badItems: 2,
    read: storedOutcomes,
    killAfter: 1,
  },
  {
    type: 'bitbucket-server',
    secret: 'BBDCcontractBitbucketServer0001',
    settings: (url) => ({ repos: ['BILL/billing'], base_url: url, page_size: 2 }),
    serve: (s) =>
      bitbucketServer(
        s,
        'BILL/billing',
        fixture('bitbucket/server-pull-requests.json'),
        fixture('bitbucket/server-details.json'),
      ),
    route: ['GET', '/rest/api/1.0/projects/BILL/repos/billing/pull-requests'],
    badItems: 2,
    read: storedOutcomes,
    killAfter: 1,
  },
  {
    type: 'confluence',
    secret: 'ATATTcontractConfluenceToken0001',
    settings: (url) => ({ base_url: url, email: 'ops@acme.com', spaces: ['DOCS'], page_size: 2 }),
    serve: (s) => confluenceCloud(s, fixture<ConfluenceSite>('confluence/space-docs.json')),
    route: ['GET', '/wiki/api/v2/spaces/98306/pages'],
    // 65606: its createdAt is no instant.
    badItems: 1,
    read: storedOutcomes,
    killAfter: 2,
  },
  {
    type: 'confluence-server',
    secret: 'NjMcontractConfluenceServerPat0001',
    settings: (url) => ({ base_url: url, spaces: ['DOCS'], page_size: 2 }),
    serve: (s) => confluenceServer(s, fixture<ConfluenceServerSite>('confluence/server-docs.json')),
    route: ['GET', '/rest/api/content/search'],
    // 65606: its history.createdDate is no time.
    badItems: 1,
    read: storedOutcomes,
    killAfter: 2,
  },
  {
    type: 'notion',
    secret: 'secret_contractNotionIntegration0001',
    settings: (url) => ({ base_url: url, page_size: 2 }),
    serve: (s) => notionApi(s, fixture<NotionWorkspace>('notion/workspace.json')),
    route: ['POST', '/v1/search'],
    // b2aaeebe…: its created_time is no time.
    badItems: 1,
    read: storedOutcomes,
    killAfter: 2,
  },
  {
    type: 'litellm',
    secret: 'sk-contractLitellmMaster0001112',
    settings: (url) => ({ mode: 'api', base_url: url, since: '2026-06-30' }),
    serve: (s) =>
      s.route('GET', '/spend/logs', (req) => ({
        json: LITELLM_ROWS.filter(
          (r) =>
            r.startTime.slice(0, 10) >= (req.query.get('start_date') ?? '') &&
            r.startTime.slice(0, 10) <= (req.query.get('end_date') ?? ''),
        ),
      })),
    route: ['GET', '/spend/logs'],
    badItems: 1,
    read: storedSpend,
    killAfter: 2,
  },
  {
    type: 'anthropic-admin',
    secret: 'sk-ant-admin01-contractAnthropic0011',
    settings: (url) => ({ base_url: url, reports: ['usage', 'cost'], since: '2025-08-01' }),
    serve: (s) => {
      // One result planted bad: a negative token count.
      const usage = fixture<{ data: { results: unknown[] }[] }>(
        'anthropic-admin/usage-report-1d-grouped.json',
      );
      usage.data[0]?.results.push({
        model: 'claude-sonnet-4-6',
        uncached_input_tokens: -5,
        output_tokens: 1,
      });
      s.route('GET', '/v1/organizations/usage_report/messages', () => ({ json: usage }));
      s.route('GET', '/v1/organizations/cost_report', () => ({
        json: fixture('anthropic-admin/cost-report.json'),
      }));
    },
    route: ['GET', '/v1/organizations/usage_report/messages'],
    badItems: 1,
    read: storedSpend,
    killAfter: 1,
  },
  {
    type: 'openai-admin',
    secret: 'sk-admin-contractOpenaiAdmin000111',
    settings: (url) => ({ base_url: `${url}/v1`, since: '2026-07-01' }),
    serve: (s) => {
      const day = Date.parse('2026-07-01T00:00:00Z') / 1000;
      const page = (data: unknown[]) => ({ object: 'page', data, has_more: false, next_page: null });
      const completion = (requests: unknown) => ({
        object: 'organization.usage.completions.result',
        input_tokens: 52000,
        input_cached_tokens: 3000,
        output_tokens: 4100,
        num_model_requests: requests,
        project_id: 'proj_A',
        user_id: null,
        api_key_id: 'key_A',
        model: 'gpt-4.1-mini-2025-04-14',
        batch: null,
      });
      s.route('GET', '/v1/organization/usage/completions', () => ({
        // The second result is planted bad: its request count is no number.
        json: page([
          {
            object: 'bucket',
            start_time: day,
            end_time: day + 86400,
            results: [completion(37), completion('many')],
          },
        ]),
      }));
      s.route('GET', '/v1/organization/costs', () => ({
        json: page([
          {
            object: 'bucket',
            start_time: day,
            end_time: day + 86400,
            results: [
              {
                object: 'organization.costs.result',
                amount: { value: 1.2345, currency: 'usd' },
                line_item: 'gpt-4.1-mini, output',
                project_id: 'proj_A',
              },
            ],
          },
        ]),
      }));
    },
    route: ['GET', '/v1/organization/usage/completions'],
    badItems: 1,
    read: storedSpend,
    killAfter: 1,
  },
  {
    type: 'cursor-admin',
    secret: 'key_contractCursorAdmin000111222',
    settings: (url) => ({ base_url: url, since: '2026-07-01', seat_price: 40 }),
    serve: (s) => {
      const at = Date.parse('2026-07-02T09:00:00Z');
      const event = (i: number, timestamp = String(at + i * 3_600_000)) => ({
        timestamp,
        model: 'gpt-5',
        kind: 'Usage-based',
        maxMode: false,
        requestsCosts: 1,
        isTokenBasedCall: true,
        tokenUsage: {
          inputTokens: 100 * i,
          outputTokens: 10 * i,
          cacheWriteTokens: 0,
          cacheReadTokens: 1000,
          totalCents: 2.5 * i,
        },
        userEmail: 'ana@example.com',
      });
      s.route('GET', '/teams/members', () => ({
        json: {
          teamMembers: [{ id: 1, name: 'Ana', email: 'ana@example.com', role: 'member', isRemoved: false }],
        },
      }));
      s.route('POST', '/teams/spend', () => ({
        json: {
          teamMemberSpend: [],
          subscriptionCycleStart: Date.parse('2026-07-01T00:00:00Z'),
          totalMembers: 1,
          totalPages: 1,
        },
      }));
      // The third event is planted bad: its timestamp is no time.
      s.route('POST', '/teams/filtered-usage-events', () => ({
        json: {
          totalUsageEventsCount: 3,
          pagination: { hasNextPage: false, currentPage: 1 },
          usageEvents: [event(1), event(2), event(3, 'yesterday')],
        },
      }));
      s.route('POST', '/teams/daily-usage-data', () => ({
        json: {
          data: [
            {
              date: Date.parse('2026-07-02T00:00:00Z'),
              isActive: true,
              email: 'ana@example.com',
              chatRequests: 2,
            },
          ],
        },
      }));
    },
    route: ['POST', '/teams/filtered-usage-events'],
    badItems: 1,
    read: storedSpend,
    killAfter: 1,
  },
  {
    type: 'gemini-code-assist',
    // An OAuth access token (the service account flow has its own tests: gemini-code-assist/connector.test.ts).
    secret: `${ACCESS_TOKEN}contractGemini`,
    // Licences and Monitoring; the day-by-day Logging phase is tested in the connector's own test.
    settings: (url) => ({
      base_url: url,
      since: '2024-10-28',
      projects: [{ id: 'acme-web', team: 'web' }],
      licenses: { billing_account: '012345-6789AB-CDEF01', order: 'ord-1' },
      seat_prices: { standard: 19 },
      page_size: 3,
    }),
    serve: (s) => geminiApis(s),
    route: ['GET', '/v3/projects/acme-web/timeSeries'],
    // A licence without an assignTime, a negative response count, an active-user reading that is no whole number.
    badItems: 3,
    read: storedSpend,
    killAfter: 1,
  },
  {
    type: 'google-calendar',
    // An OAuth access token; delegation (a JWT per person) has its own tests: google-calendar/connector.test.ts.
    secret: `${ACCESS_TOKEN}contractCalendar`,
    settings: (url) => ({
      base_url: url,
      since: '2026-06-01',
      people: ['ana@acme.com', 'bo@acme.com'],
      page_size: 3,
    }),
    serve: (s) => calendarApis(s, fixture('google-calendar/events.json')),
    route: ['GET', `/calendar/v3/calendars/${encodeURIComponent('ana@acme.com')}/events`],
    // An out-of-office event whose start.date is no date.
    badItems: 1,
    read: storedAbsences,
    killAfter: 1,
  },
  {
    type: 'copilot',
    secret: 'ghp_contractCopilotToken0001112223',
    // The seats phase; the daily reports and premium billing have their own tests (copilot/connector.test.ts).
    settings: (url) => ({
      base_url: url,
      org: 'acme',
      seat_prices: { business: 19 },
      usage_reports: false,
      premium_requests: false,
    }),
    serve: (s) => {
      const seat = (login: string, created = '2026-03-01T10:00:00Z') => ({
        created_at: created,
        last_activity_at: '2026-07-01T10:00:00Z',
        plan_type: 'business',
        assignee: { login, type: 'User' },
      });
      const pages = [[seat('ana'), seat('bo', 'not a time')], [seat('cy')]];
      s.route('GET', '/orgs/acme/copilot/billing/seats', (req) => {
        const page = Number(req.query.get('page') ?? 1);
        const next =
          page < pages.length
            ? `<${s.url}/orgs/acme/copilot/billing/seats?page=${page + 1}>; rel="next"`
            : '';
        return {
          json: { total_seats: 3, seats: pages[page - 1] ?? [] },
          headers: next ? { link: next } : undefined,
        };
      });
    },
    route: ['GET', '/orgs/acme/copilot/billing/seats'],
    badItems: 1,
    read: storedSpend,
    killAfter: 1,
  },
];

/** Build a case's connector against the server, with the given clock. */
export function contractConnector(c: ContractCase, url: string, deps: { clock: unknown }) {
  const factory = CONNECTOR_TYPES[c.type];
  const r = factory(
    sourceConfig(c.type, { type: c.type, token_env: 'CONTRACT_SECRET', since, ...c.settings(url) }),
    {
      env: { CONTRACT_SECRET: c.secret },
      now: () => Date.parse('2026-07-03T00:00:00Z'),
      clock: deps.clock as never,
      org: 'acme',
    },
  );
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}
