/**
 * `npm run bench`: benchmarks that print figures (never assertions). Each issue's bar names what to measure
 * and, where there is one, the peer to run side by side. Run one with `npm run bench -- demo`.
 */
import { benchApi } from './api.js';
import { benchAudit } from './audit.js';
import { benchBadInputs } from './bad-inputs.js';
import { benchCcusageCases } from './ccusage-cases.js';
import { benchClaudeCode } from './claude-code.js';
import { benchClickHouseIngest } from './clickhouse-ingest.js';
import { benchClickHouseKill } from './clickhouse-kill.js';
import { benchCodex } from './codex.js';
import { benchDashboard } from './dashboard.js';
import { benchDemo } from './demo.js';
import { benchGateway, benchGatewaySoak } from './gateway.js';
import { benchGatewayKill } from './gateway-kill.js';
import { benchGit } from './git.js';
import { benchGovernance } from './governance.js';
import { benchGitNoop } from './git-noop.js';
import { benchGitRealRepos } from './git-real-repos.js';
import { benchOtlp } from './otlp.js';
import { benchOtlpCapacity } from './otlp-capacity.js';
import { benchOtlpKill } from './otlp-kill.js';
import { benchScale } from './scale.js';
import { benchSessionJoin } from './session-join.js';

const benches: Record<string, () => Promise<void>> = {
  demo: benchDemo,
  'claude-code': benchClaudeCode,
  codex: benchCodex,
  'ccusage-cases': benchCcusageCases,
  otlp: benchOtlp,
  'otlp-kill': benchOtlpKill,
  'otlp-capacity': benchOtlpCapacity,
  git: benchGit,
  'git-real-repos': benchGitRealRepos,
  'git-noop': benchGitNoop,
  api: benchApi,
  dashboard: benchDashboard,
  scale: benchScale,
  'bad-inputs': benchBadInputs,
  'session-join': benchSessionJoin,
  audit: benchAudit,
  governance: benchGovernance,
  gateway: benchGateway,
  'gateway-kill': benchGatewayKill,
  'gateway-soak': benchGatewaySoak,
  'clickhouse-ingest': benchClickHouseIngest,
  'clickhouse-kill': benchClickHouseKill,
};

// `--shape=NAME` picks the corpus shape of the agent-log benches (bench/corpus/shapes.ts).
const args = process.argv.slice(2);
for (const a of args.filter((x) => x.startsWith('--shape='))) process.env.MILEAGE_BENCH_SHAPE = a.slice(8);
const wanted = args.filter((x) => !x.startsWith('--'));
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}"; known: ${Object.keys(benches).join(', ')}`);
    process.exitCode = 2;
    break;
  }
  console.log(`\n== ${name} ==`);
  await bench();
}
