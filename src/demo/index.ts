export { buildDemo, generateDemo, type DemoContent, type DemoFile } from './generate.js';
export { CONTROL, DEMO_END, PLANTED, demoOptions } from './options.js';
export type { DemoEffects, DemoFileKind, DemoManifest, DemoOptions, DemoTruth } from './options.js';
