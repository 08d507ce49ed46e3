/**
 * Which child runs of the run view are open: shared by the timeline (a child's rows under its
 * tool call) and the calls below (a child's turns under its tool call), so opening one opens both.
 *
 * @module
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** The open child runs, and how to open or close one. */
export interface ChildRuns {
  open: ReadonlySet<string>;
  toggle(runId: string): void;
}

/** Provided by the run view; nothing is open outside one. */
export const ChildRunsContext = createContext<ChildRuns>({ open: new Set(), toggle: () => {} });

/** The run view's open child runs. */
export function useChildRuns(): ChildRuns {
  return useContext(ChildRunsContext);
}
