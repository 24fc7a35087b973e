/**
 * The one-page audit report as a self-contained HTML file: the markdown rendering's headings, lists and tables
 * turned into HTML, every text escaped (case ids and model names come from user files).
 */
const escape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const inline = (s: string) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');

function cells(row: string): string[] {
  return row
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());
}

export function markdownToHtml(markdown: string, title: string): string {
  const out: string[] = [];
  const lines = markdown.split('\n');
  let list = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (list && !line.startsWith('- ')) {
      out.push('</ul>');
      list = false;
    }
    if (line.startsWith('### ')) out.push(`<h3>${inline(line.slice(4))}</h3>`);
    else if (line.startsWith('# ')) out.push(`<h1>${inline(line.slice(2))}</h1>`);
    else if (line.startsWith('- ')) {
      if (!list) out.push('<ul>');
      list = true;
      out.push(`<li>${inline(line.slice(2))}</li>`);
    } else if (line.startsWith('|')) {
      const head = cells(line);
      i++; // the |---| separator
      const rows: string[][] = [];
      while ((lines[i + 1] ?? '').startsWith('|')) rows.push(cells(lines[++i] ?? ''));
      out.push(
        '<table>',
        `<tr>${head.map((h) => `<th>${inline(h)}</th>`).join('')}</tr>`,
        ...rows.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`),
        '</table>',
      );
    } else if (line.trim() !== '') out.push(`<p>${inline(line)}</p>`);
  }
  if (list) out.push('</ul>');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
h3{margin-top:2em}code{background:#f4f4f4;padding:0 3px}</style></head>
<body>
${out.join('\n')}
</body></html>
`;
}
