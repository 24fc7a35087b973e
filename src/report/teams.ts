import type { Result } from '../domain/result.js';
import { postJson, type PostOptions } from './post-json.js';

/**
 * Microsoft Teams messages as Adaptive Cards, the format both Teams incoming webhooks and Workflows' "When a
 * Teams webhook request is received" accept: a `message` whose one attachment is the card.
 */
export interface CardContent {
  title: string;
  /** A line under the title (period, audience). */
  subtitle?: string;
  /** Paragraphs; an optional heading is shown in bold above each. */
  sections: { heading?: string; text: string }[];
  facts: [string, string][];
}

/** Adaptive Card TextBlocks read a little Markdown: data is escaped so a name stays text. */
export function teamsEscape(s: string): string {
  return s.replace(/[\\*_[\]()#>`~|]/g, (c) => `\\${c}`);
}

const clip = (s: string, n = 2000) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function adaptiveCardMessage(c: CardContent): object {
  const text = (t: string, extra: object = {}) => ({
    type: 'TextBlock',
    text: clip(t),
    wrap: true,
    ...extra,
  });
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            text(teamsEscape(c.title), { size: 'Large', weight: 'Bolder' }),
            ...(c.subtitle ? [text(teamsEscape(c.subtitle), { isSubtle: true, spacing: 'None' })] : []),
            ...c.sections.flatMap((s) => [
              ...(s.heading ? [text(teamsEscape(s.heading), { weight: 'Bolder' })] : []),
              text(teamsEscape(s.text)),
            ]),
            ...(c.facts.length
              ? [
                  {
                    type: 'FactSet',
                    facts: c.facts.slice(0, 20).map(([title, value]) => ({
                      title: teamsEscape(clip(title, 200)),
                      value: teamsEscape(clip(value, 500)),
                    })),
                  },
                ]
              : []),
          ],
        },
      },
    ],
  };
}

/** POSTs a card to a Teams webhook, retrying like the Slack sender; the URL (a secret) is never in a message. */
export function postToTeams(
  url: string,
  message: object,
  options: PostOptions = {},
): Promise<Result<{ attempts: number }>> {
  return postJson(url, JSON.stringify(message), 'the Teams webhook', {}, options);
}
