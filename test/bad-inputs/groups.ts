import { openStore } from '../../src/store/open.js';
import { runAgentCorpus } from './agent-logs.js';
import { runConnectorCorpus } from './connectors.js';
import { CORPUS } from './corpus.js';
import { judge, storeStillWorks, type Measured } from './measure.js';
import { runGitCorpus } from './git-repos.js';
import { runOrgCorpus } from './org-file.js';
import { runCorpus } from './runner.js';
import { runServerCorpus } from './server.js';
import { runVendorConnectorCorpus } from './vendor-connectors.js';

/** One group of ingest paths of the corpus, run together (one store or server per path). */
export interface CorpusGroup {
  name: string;
  run: (dir: string) => Promise<Measured[]>;
}

export const GROUPS: readonly CorpusGroup[] = [
  { name: 'usage, FOCUS and outcome files', run: () => runCorpus(CORPUS) },
  {
    name: 'agent logs of every tool',
    run: (dir) =>
      runAgentCorpus(
        dir,
        () => openStore(':memory:'),
        storeStillWorks,
        (c, o) => judge(c.id, c.path, c.expect, o),
      ),
  },
  { name: 'server endpoints, OTLP and bundles (server and CLI)', run: runServerCorpus },
  { name: 'the org file (mileage.yaml)', run: runOrgCorpus },
  { name: 'ingest git on broken repositories', run: runGitCorpus },
  { name: 'connectors fed malformed forge and tracker pages', run: runConnectorCorpus },
  { name: 'vendor connectors fed malformed usage, cost and seat pages', run: runVendorConnectorCorpus },
];
