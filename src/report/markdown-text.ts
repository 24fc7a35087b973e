/**
 * Text placed in Markdown, made inert without HTML entities: every character CommonMark could read as markup
 * (emphasis, code, links, raw HTML, table pipes, entity references) gets a backslash, which CommonMark
 * defines as "this character, literally". Entities such as `&#39;` would show as such wherever the Markdown
 * is read raw (a Slack paste, a terminal, a diff), and names and answers come from user data.
 */
export function markdownText(s: string): string {
  return s.replace(/[\\`*_[\]<>|&]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}
