import { describe, expect, it } from 'vitest';
import { coAuthors, detectAiMarkers, type CommitIdentity } from './ai-markers.js';

describe('AI commit markers (§9)', () => {
  it.each<[string, CommitIdentity, string[]]>([
    [
      'Claude Code trailer with the model name',
      {
        message:
          'feat(invoices): add PDF export\n\nAdds a renderer and wires it to the download endpoint.\n\nCo-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>',
      },
      ['claude-code'],
    ],
    [
      'older Claude Code footer',
      { message: 'fix: x\n\n🤖 Generated with [Claude Code](https://claude.ai/code)' },
      ['claude-code'],
    ],
    [
      'Claude-Session trailer',
      { message: 'fix: y\n\nClaude-Session: https://claude.ai/code/session_01Test' },
      ['claude-code'],
    ],
    [
      "Amp's co-author trailer beside its thread id",
      {
        message:
          'feat: x\n\nAmp-Thread-ID: https://ampcode.com/threads/T-019c58d6\nCo-authored-by: Amp <amp@ampcode.com>',
      },
      ['amp'],
    ],
    [
      'the Claude GitHub app as co-author',
      {
        message:
          'feat: x (#98)\n\nCo-authored-by: claude[bot] <209825114+claude[bot]@users.noreply.github.com>',
      },
      ['claude-code'],
    ],
    [
      'Assisted-by trailers (jj, the Linux kernel)',
      {
        message:
          'cli: x\n\nAssisted-by: Opus 4.6 via Claude Code\nAssisted-by: Google Antigravity with Gemini',
      },
      ['claude-code', 'gemini'],
    ],
    [
      'a human called Claude is not Claude Code',
      { message: 'docs\n\nCo-authored-by: Claude Monet <claude.monet@example.com>' },
      [],
    ],
    [
      'Copilot coding agent squash commit with a human co-author',
      {
        message:
          'fix: handle empty invoice list (#418)\n\n* guard against empty arrays\n\n---------\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\nCo-authored-by: ana <583231+ana@users.noreply.github.com>',
      },
      ['copilot'],
    ],
    ['Copilot coding agent as PR author', { message: '', authorLogin: 'Copilot' }, ['copilot']],
    [
      'VS Code Copilot trailer',
      { message: 'x\n\nCo-authored-by: Copilot <copilot@github.com>' },
      ['copilot'],
    ],
    [
      'Copilot Autofix suggestion applied by the code scanning bot (tod-org/tod 1238b83)',
      {
        message:
          'ci: codescan fix\n\nCo-authored-by: Copilot Autofix powered by AI <62310815+github-advanced-security[bot]@users.noreply.github.com>',
      },
      ['copilot'],
    ],
    [
      'Cursor IDE trailer',
      { message: 'chore: y\n\nCo-authored-by: Cursor <cursoragent@cursor.com>' },
      ['cursor'],
    ],
    [
      'Cursor background agent author',
      { message: 'chore: z', authorName: 'Cursor Agent', authorEmail: 'cursoragent@cursor.com' },
      ['cursor'],
    ],
    ['Codex trailer', { message: 'x\n\nCo-authored-by: Codex <noreply@openai.com>' }, ['codex']],
    ['Codex connector bot', { message: 'x', authorLogin: 'chatgpt-codex-connector[bot]' }, ['codex']],
    [
      'Aider trailer',
      {
        message:
          'refactor: extract tax calculator\n\nCo-authored-by: aider (anthropic/claude-sonnet-4-6) <aider@aider.chat>',
      },
      ['aider'],
    ],
    ['Aider message prefix', { message: 'aider: rename module' }, ['aider']],
    ['Aider author name suffix', { message: 'rename', authorName: 'Ana Lopez (aider)' }, ['aider']],
    [
      'Devin bot author',
      {
        message: 'feat: q',
        authorName: 'Devin AI',
        authorEmail: '158243242+devin-ai-integration[bot]@users.noreply.github.com',
      },
      ['devin'],
    ],
    ['Devin PR author', { message: '', authorLogin: 'devin-ai-integration[bot]' }, ['devin']],
    [
      'two tools on one commit, in table order',
      {
        message:
          'x\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\nCo-Authored-By: Claude <noreply@anthropic.com>',
      },
      ['claude-code', 'cursor'],
    ],
    [
      'a plain human commit',
      { message: 'fix: typo', authorName: 'Ana', authorEmail: 'ana@example.com', authorLogin: 'ana' },
      [],
    ],
    [
      'prose mentioning a tool is not a marker',
      { message: 'docs: explain how aider: prefixes and Copilot work\n\nwe do not use cursor' },
      [],
    ],
  ])('%s', (_name, commit, tools) => {
    expect(detectAiMarkers(commit)).toEqual(tools);
  });

  it('collects every co-author trailer', () => {
    expect(coAuthors('x\n\nCo-authored-by: A <a@x.io>\nco-authored-by:B<b@x.io>\n')).toEqual([
      { name: 'A', email: 'a@x.io' },
      { name: 'B', email: 'b@x.io' },
    ]);
  });
});
