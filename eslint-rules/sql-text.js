// Lint rule `mileage/sql-text`: no value or name reaches SQL text by hand-made quoting.
//
// Issue 19: a FOCUS file's column names were written into SQL as `"${name}"`, so a crafted CSV header closed
// the quotes and ran `COPY … TO`. Every name and literal that reaches SQL text goes through one helper
// (src/store/sql-text.ts: sqlIdent, sqlString) or is bound as a parameter. This rule refuses, in any
// template literal that reads as SQL:
// - an interpolation inside a quoted span ('…${x}…' or "…${x}…"): a literal or a name quoted by hand;
// - and anywhere, hand-written quote doubling (.replaceAll("'", "''"), .replaceAll('"', '""')) outside the
//   helper module: a second quoting helper is how the next unescaped one slips in.
// Interpolating a fragment (`${col('x')}`, `${sqlIdent(name)}`) outside quotes stays allowed.

const SQL_WORDS =
  /\b(SELECT|INSERT|UPDATE|DELETE|CREATE|COPY|ATTACH|PRAGMA|ALTER|DROP|FROM|WHERE|JOIN|CASE WHEN|THEN|CAST|AS|IN|AND|OR|SET|DATE|VALUES|GROUP BY|ORDER BY)\b/;
const SQL_CALLS = new Set([
  'run',
  'query',
  'writerQuery',
  'exec',
  'prepare',
  'all',
  'stream',
  'runAndReadAll',
]);

/** True when a template literal reads as SQL: SQL keywords in its text, or passed straight to a SQL call. */
function looksLikeSql(node) {
  const text = node.quasis.map((q) => q.value.raw).join(' ');
  if (SQL_WORDS.test(text)) return true;
  const parent = node.parent;
  if (parent?.type === 'CallExpression' && parent.arguments[0] === node) {
    const callee = parent.callee;
    const name = callee.type === 'MemberExpression' ? callee.property.name : callee.name;
    return SQL_CALLS.has(name);
  }
  return false;
}

/**
 * For each interpolation, whether it sits inside a quoted span of the SQL text around it. Scans the static
 * text: '…' and "…" spans (a doubled quote inside a span closes and reopens it, which comes to the same),
 * `--` comments to the end of the line outside spans.
 */
function quotedInterpolations(node) {
  const inside = [];
  let quote = null;
  node.quasis.forEach((quasi, index) => {
    const raw = quasi.value.raw;
    for (let i = 0; i < raw.length; i++) {
      const ch = raw[i];
      if (quote === null && ch === '-' && raw[i + 1] === '-') {
        const end = raw.indexOf('\n', i);
        if (end === -1) break;
        i = end;
      } else if (quote === null && (ch === "'" || ch === '"')) quote = ch;
      else if (ch === quote) quote = null;
    }
    if (index < node.expressions.length) inside.push(quote !== null);
  });
  return inside;
}

function isQuoteDoubling(node) {
  if (node.callee.type !== 'MemberExpression') return false;
  const method = node.callee.property.name;
  if (method !== 'replaceAll' && method !== 'replace') return false;
  const [from, to] = node.arguments;
  const text = (arg) =>
    arg?.type === 'Literal'
      ? typeof arg.value === 'string'
        ? arg.value
        : arg.regex?.pattern
      : arg?.type === 'TemplateLiteral' && arg.expressions.length === 0
        ? arg.quasis[0].value.cooked
        : undefined;
  const a = text(from);
  const b = text(to);
  return (a === "'" && b === "''") || (a === '"' && b === '""');
}

export const sqlTextRule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'names and values reach SQL text only through sqlIdent / sqlString or a bound parameter',
    },
    schema: [{ type: 'object', properties: { helperFiles: { type: 'array', items: { type: 'string' } } } }],
    messages: {
      quoted:
        'SQL text quotes an interpolation by hand: write a name as ${sqlIdent(x)}, a literal as ${sqlString(x)} (src/store/sql-text.ts), or bind it as a parameter',
      doubling:
        'hand-written quote doubling: SQL names and literals are quoted only by sqlIdent / sqlString (src/store/sql-text.ts)',
    },
  },
  create(context) {
    const helperFiles = context.options[0]?.helperFiles ?? ['src/store/sql-text.ts'];
    const filename = context.filename.replaceAll('\\', '/');
    const isHelper = helperFiles.some((f) => filename.endsWith(f));
    return {
      TemplateLiteral(node) {
        if (isHelper || node.expressions.length === 0 || !looksLikeSql(node)) return;
        quotedInterpolations(node).forEach((quoted, i) => {
          if (quoted) context.report({ node: node.expressions[i], messageId: 'quoted' });
        });
      },
      CallExpression(node) {
        if (!isHelper && isQuoteDoubling(node)) context.report({ node, messageId: 'doubling' });
      },
    };
  },
};

export default { rules: { 'sql-text': sqlTextRule } };
