import { runCorpus, summarise } from '../test/bad-inputs/runner.js';

/** `npm run bench -- bad-inputs`: the bad-input corpus (test/bad-inputs) with its counts per ingest path. */
export async function benchBadInputs(): Promise<void> {
  const results = await runCorpus();
  console.log(summarise(results));
}
