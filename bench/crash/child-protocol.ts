/**
 * What the crash harness's parent and child pass each other: the child's configuration (one
 * JSON argument) and its report (the `report` line it prints once the run has completed).
 *
 * @module
 */

import type { ChildKillPlan } from './kill-points.js';

/** A chat message as the transcripts hold it (compared as JSON, so kept loose here). */
export type TranscriptMessage = unknown;

/** The child's configuration. */
export interface ChildConfig {
  /** `run` starts the run; `resume` continues `runId` from its checkpoint. */
  mode: 'run' | 'resume';
  /** The kill's folder: `runs/` (FileRunStore), `sessions/` (FileStore), `executions.log`. */
  dir: string;
  runId?: string;
  /** Where to kill itself; none for a run that should complete. */
  plan?: ChildKillPlan | undefined;
  /** Draws the tool durations and the approve/reject decisions. */
  seed: number;
}

/** What was decided about an interruption. */
export interface ChildDecision {
  kind: 'approval' | 'unknown_outcome';
  toolCallId: string;
  name: string;
  decision: 'approve' | 'reject';
}

/** What a child that saw its run complete reports. */
export interface ChildReport {
  /**
   * `completed` by this process; `already-completed` when the store's checkpoint says the run
   * completed (killed after its final checkpoint); `restarted` when the run had no checkpoint
   * (killed before its first one landed) and was started again.
   */
  outcome: 'completed' | 'already-completed' | 'restarted';
  runId: string;
  /** From the start of the run (or resume) to its end, in ms. */
  runMs: number;
  /** The interruptions this process decided about. */
  decisions: ChildDecision[];
  /** The status of the run's last checkpoint (`completed` expected). */
  checkpointStatus: string;
  /** The conversation of the run's last checkpoint. */
  transcript: TranscriptMessage[];
  /** `result.messages`, when this process ran the run to its end. */
  resultMessages?: TranscriptMessage[];
  /** The session's history, loaded by a fresh `FileStore`. */
  session: TranscriptMessage[];
  /** Lines of the session file that could not be read back (torn by a kill) and were skipped. */
  corruptLines: number;
}
