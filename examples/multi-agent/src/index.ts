/**
 * The multi-agent example: a triage agent handing off to the weather and search agents and
 * calling a summariser agent as a tool, with the scripted responders that stand in for models
 * without a key.
 *
 * @module @agentloop-examples/multi-agent
 */
export {
  createDesk,
  type DeskModels,
  type DeskOptions,
  SUMMARISER_INSTRUCTIONS,
  TRIAGE_INSTRUCTIONS,
} from './desk.js';
export { summariserResponder, triageResponder } from './responders.js';
