/**
 * Every conformance scenario, in one list.
 *
 * @module
 */

import type { Scenario } from './harness.js';
import { approvalAndMemoryScenarios } from './scenarios-approvals-memory.js';
import { faultAndOutputScenarios } from './scenarios-faults-output.js';
import { streamAndRetryScenarios } from './scenarios-stream-retry.js';
import { textAndToolScenarios } from './scenarios-text-tools.js';

export const SCENARIOS: Scenario[] = [
  ...textAndToolScenarios,
  ...faultAndOutputScenarios,
  ...streamAndRetryScenarios,
  ...approvalAndMemoryScenarios,
];
