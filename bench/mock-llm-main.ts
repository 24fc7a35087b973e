import { startMockLlm } from '../test/support/mock-llm.js';

/** The mock provider in a process of its own (benches): prints its URL, serves until killed. */
const mock = await startMockLlm({ record: false });
console.log(mock.url);
