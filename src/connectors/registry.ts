import { err, ok, type Result } from '../domain/result.js';
import type { OrgFileIssue, SourceConfig } from '../org/index.js';
import type { ConnectorDeps } from './config.js';
import { createAnthropicAdminConnector } from './anthropic-admin/connector.js';
import { createBitbucketCloudConnector } from './bitbucket/cloud.js';
import { createBitbucketServerConnector } from './bitbucket/server.js';
import { createConfluenceConnector } from './confluence/connector.js';
import { createConfluenceServerConnector } from './confluence/server.js';
import { createCopilotConnector } from './copilot/connector.js';
import { createCursorAdminConnector } from './cursor-admin/connector.js';
import { createGeminiCodeAssistConnector } from './gemini-code-assist/connector.js';
import { createGithubConnector } from './github/connector.js';
import { createGithubIssuesConnector } from './github-issues/connector.js';
import { createGoogleCalendarConnector } from './google-calendar/connector.js';
import { createGitlabConnector } from './gitlab/connector.js';
import { createJiraConnector } from './jira/connector.js';
import { createLinearConnector } from './linear/connector.js';
import { createLitellmConnector } from './litellm/connector.js';
import { createNotionConnector } from './notion/connector.js';
import { createOpenaiAdminConnector } from './openai-admin/connector.js';
import type { Connector } from './sync/connector.js';

export type ConnectorFactory = (
  source: SourceConfig,
  deps: ConnectorDeps,
) => Result<Connector, OrgFileIssue[]>;

/** Every connector `mileage sync` knows, by type. Spend connectors join this table. */
export const CONNECTOR_TYPES = {
  'anthropic-admin': createAnthropicAdminConnector,
  bitbucket: createBitbucketCloudConnector,
  'bitbucket-server': createBitbucketServerConnector,
  confluence: createConfluenceConnector,
  'confluence-server': createConfluenceServerConnector,
  copilot: createCopilotConnector,
  'cursor-admin': createCursorAdminConnector,
  'gemini-code-assist': createGeminiCodeAssistConnector,
  github: createGithubConnector,
  'github-issues': createGithubIssuesConnector,
  gitlab: createGitlabConnector,
  'google-calendar': createGoogleCalendarConnector,
  jira: createJiraConnector,
  linear: createLinearConnector,
  litellm: createLitellmConnector,
  notion: createNotionConnector,
  'openai-admin': createOpenaiAdminConnector,
} as const satisfies Record<string, ConnectorFactory>;

export type ConnectorType = keyof typeof CONNECTOR_TYPES;

/** Source types that `mileage sync` leaves alone: they configure `mileage ingest` (ingest/usage-mapping.ts). */
export const FILE_SOURCE_TYPES = ['usage-file'] as const;

/** The connector type of a source: its `type` field, else its name. Null for sources that are not synced. */
export function connectorType(source: SourceConfig): Result<ConnectorType | null, OrgFileIssue[]> {
  const declared = source.config.type;
  const known = (t: string): t is ConnectorType => Object.hasOwn(CONNECTOR_TYPES, t);
  // Entries that configure file imports (a saved column mapping), not a sync.
  if (typeof declared === 'string' && (FILE_SOURCE_TYPES as readonly string[]).includes(declared))
    return ok(null);
  if (declared === undefined) return ok(known(source.name) ? source.name : null);
  if (typeof declared === 'string' && known(declared)) return ok(declared);
  return err([
    source.issueAt(
      ['type'],
      `unknown connector type: expected one of ${Object.keys(CONNECTOR_TYPES).join(', ')}`,
    ),
  ]);
}

export function createConnector(
  type: ConnectorType,
  source: SourceConfig,
  deps: ConnectorDeps,
): Result<Connector, OrgFileIssue[]> {
  return CONNECTOR_TYPES[type](source, deps);
}
