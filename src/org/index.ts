/** The org folder's public API: read and check `mileage.yaml`, the starter file, and the privacy rules. */
export { formatIssue, type FieldPath, type OrgFileIssue } from './issue.js';
export {
  findOrgFile,
  loadOrgFile,
  loadSourceConfigs,
  parseOrgFile,
  sourceConfigs,
  type SourceConfig,
} from './load.js';
export { mergeSmallGroups, personVisibility, type PersonVisibility, type Viewer } from './privacy.js';
export { STARTER_ORG_FILE } from './starter.js';
