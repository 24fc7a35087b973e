import { detectAiMarkers, type AiTool } from '../ai-markers.js';
import { closingKeys } from '../ticket-keys.js';
import { revertOf } from './messages.js';

/** What is kept of one commit: no content, and the message only for commits on the default branch. */
export interface CommitInfo {
  sha: string;
  parents: string[];
  /** Seconds since the epoch. */
  authorTime: number;
  committerTime: number;
  authorName: string;
  authorEmail: string;
  committerEmail: string;
  /** AI tools whose markers the commit carries (trailers, author or committer identity, message lines). */
  tools: AiTool[];
  /** The sha or title it reverts, or null. */
  revertOf: string | null;
  /** Ticket keys its message closes (`Fixes BILL-7`). */
  closes: readonly string[];
  /** The full message, kept only when asked for (default-branch commits). */
  message: string | null;
}

const RS = '\x1e';
const US = '\x1f';

/**
 * `git log --format=` for the commit stream: a record separator, tab-free header fields separated by unit
 * separators, then the raw message (which may span many lines).
 */
export const COMMIT_FORMAT = `${RS}%H${US}%P${US}%at${US}%ct${US}%an${US}%ae${US}%cn${US}%ce${US}%B`;

function toCommit(lines: string[], keepMessage: (sha: string) => boolean): CommitInfo | null {
  const first = lines[0] ?? '';
  const fields = first.slice(1).split(US);
  if (fields.length < 9) return null;
  const [sha = '', parents = '', at = '', ct = '', an = '', ae = '', cn = '', ce = ''] = fields;
  const message = [fields.slice(8).join(US), ...lines.slice(1)].join('\n').replace(/\n+$/, '');
  const tools = new Set(detectAiMarkers({ message, authorName: an, authorEmail: ae }));
  for (const t of detectAiMarkers({ message: '', authorName: cn, authorEmail: ce })) tools.add(t);
  return {
    sha,
    parents: parents ? parents.split(' ') : [],
    authorTime: Number(at),
    committerTime: Number(ct),
    authorName: an,
    authorEmail: ae,
    committerEmail: ce,
    tools: [...tools],
    revertOf: revertOf(message),
    closes: closingKeys(message),
    message: keepMessage(sha) ? message : null,
  };
}

/**
 * Reads the commit stream line by line; each commit is handed over as soon as its message ends, so only
 * one message is held at a time.
 */
export async function readCommits(
  lines: AsyncIterable<string>,
  keepMessage: (sha: string) => boolean,
  onCommit: (commit: CommitInfo) => void,
): Promise<void> {
  let pending: string[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const commit = toCommit(pending, keepMessage);
    if (commit) onCommit(commit);
    pending = [];
  };
  for await (const line of lines) {
    if (line.startsWith(RS)) flush();
    if (pending.length > 0 || line.startsWith(RS)) pending.push(line);
  }
  flush();
}
