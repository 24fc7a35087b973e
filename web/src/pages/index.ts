import type { Page } from '../page.js';
import { alertsPage } from './alerts.js';
import { auditRunPage } from './audit-run.js';
import { auditsPage } from './audits.js';
import { calendarPage } from './calendar.js';
import { coveragePage } from './coverage.js';
import { definitionsPage } from './definitions.js';
import { efficiencyPage } from './efficiency.js';
import { keysPage } from './keys.js';
import { modelsPage } from './models.js';
import { overviewPage } from './overview.js';
import { prPage } from './pr.js';
import { prsPage } from './prs.js';
import { qualityPage } from './quality.js';
import { quadrantPage } from './quadrant.js';
import { variancePage } from './variance.js';
import { weeklyPage } from './weekly.js';
import { workflowsPage } from './workflows.js';

/** Every page, in navigation order. */
export const PAGES: Page[] = [
  overviewPage,
  weeklyPage,
  calendarPage,
  modelsPage,
  keysPage,
  efficiencyPage,
  quadrantPage,
  variancePage,
  qualityPage,
  prsPage,
  prPage,
  workflowsPage,
  auditsPage,
  auditRunPage,
  alertsPage,
  coveragePage,
  definitionsPage,
];
