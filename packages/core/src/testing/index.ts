/**
 * Test helpers for agentloop: `ScriptedModel` replays scripted replies and records requests.
 *
 * @module @agentloop/core/testing
 */
export {
  ScriptedModel,
  type ScriptedModelOptions,
  type ScriptedReply,
  type ScriptedReplyObject,
  type ScriptedResponder,
  type ScriptedToolCall,
} from './scripted-model.js';
