#!/usr/bin/env node
import { quickIngest } from './quick-ingest.js';

// The command-line entry: a no-op re-run of an agent-log ingest is answered before the rest of the CLI loads.
if (!quickIngest(process.argv.slice(2))) await import('./main.js');
