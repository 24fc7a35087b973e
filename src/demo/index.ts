export { buildDemo, generateDemo } from './generate.js';
export { CONTROL, DEMO_END, PLANTED } from './options.js';
export type { DemoEffects, DemoFileKind, DemoManifest, DemoOptions, DemoTruth } from './options.js';
