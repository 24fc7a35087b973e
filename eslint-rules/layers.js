// Lint rule `mileage/layers`: imports point inward, as DESIGN.md ("Layout") states them.
//
//   cli / server / gateway / demo  →  metrics / diagnostics / report …  →  store / sources / pricing / org  →  domain
//
// Each top-level folder of src/ lists the folders its files may import (relative imports, resolved against
// the importing file). A folder not in the table, or an import outside its list, fails the lint. Tests beside
// the code (*.test.ts) may import anything. Database drivers are imported by store/ only, and by a connector
// whose source is a database (connectors/<name>/ reads LiteLLM's Postgres, read-only).
import { dirname, join, normalize, relative, resolve, sep } from 'node:path';

const BASE = ['domain'];
const DATA = [...BASE, 'store', 'sources', 'pricing', 'org', 'otlp'];
const ANSWERS = [
  ...DATA,
  'connectors',
  'ingest',
  'reconcile',
  'metrics',
  'diagnostics',
  'audit',
  'report',
  'governance',
];

/** Folder → the folders it may import besides itself. */
export const ALLOWED = {
  domain: [],
  pricing: BASE,
  org: BASE,
  sources: BASE,
  otlp: BASE,
  store: BASE,
  // Pulling and loading facts: sources' parsers into the store.
  connectors: [...BASE, 'store', 'sources', 'pricing', 'org'],
  ingest: [...BASE, 'store', 'sources', 'pricing', 'org', 'otlp'],
  reconcile: [...BASE, 'store', 'sources', 'pricing', 'org'],
  // The catalog: reads the store; never the diagnostics built on it.
  metrics: [...BASE, 'store', 'sources', 'pricing', 'org'],
  // Diagnostics and audits lean on each other (an audit's verdict in the model-fit finding, a finding's
  // candidates in an audit plan); reports render both and the governance built on them.
  diagnostics: [...DATA, 'metrics', 'audit'],
  audit: [...DATA, 'metrics', 'diagnostics'],
  governance: [...DATA, 'metrics', 'diagnostics', 'audit', 'report', 'reconcile'],
  report: [...DATA, 'metrics', 'diagnostics', 'audit', 'governance', 'reconcile'],
  // The processes: the server and the gateway work together (the gateway ships to a server).
  server: [...ANSWERS, 'gateway'],
  gateway: [...ANSWERS, 'server'],
  demo: [...ANSWERS, 'server', 'gateway'],
  cli: [...ANSWERS, 'server', 'gateway', 'demo'],
};

const DRIVERS = ['@duckdb/node-api', '@clickhouse/client', 'pg'];
const DRIVER_HOMES = ['store', 'connectors'];

function srcFolder(cwd, file) {
  const rel = relative(cwd, resolve(cwd, file)).split(sep);
  return rel[0] === 'src' && rel.length > 2 ? rel[1] : null;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports point inward (DESIGN.md layout); only the store imports database drivers' },
    schema: [],
    messages: {
      outward:
        '{{from}}/ may not import {{to}}/ (imports point inward: DESIGN.md "Layout", eslint-rules/layers.js)',
      unknown: 'src/{{from}}/ is not in the layer table of eslint-rules/layers.js: add it where it belongs',
      driver: 'only store/ (and a connector reading a vendor database) imports the database driver {{name}}',
    },
  },
  create(context) {
    const cwd = context.cwd;
    const file = context.filename;
    const from = srcFolder(cwd, file);
    if (from === null || file.endsWith('.test.ts')) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (DRIVERS.some((d) => spec === d || spec.startsWith(`${d}/`))) {
        if (!DRIVER_HOMES.includes(from)) context.report({ node, messageId: 'driver', data: { name: spec } });
        return;
      }
      if (!spec.startsWith('.')) return;
      const target = normalize(join(dirname(file), spec));
      const to = srcFolder(cwd, target);
      if (to === null || to === from) return;
      const allowed = ALLOWED[from];
      if (allowed === undefined) context.report({ node, messageId: 'unknown', data: { from } });
      else if (!allowed.includes(to)) context.report({ node, messageId: 'outward', data: { from, to } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule } };
