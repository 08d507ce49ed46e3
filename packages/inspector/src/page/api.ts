/**
 * The page's side of the server: fetching the runs and a run, and listening for changes.
 *
 * @module
 */
import type { RunResponse, RunsResponse, UpdateMessage } from '../model/api-types.js';

/** Fetches the runs list. */
export async function fetchRuns(): Promise<RunsResponse> {
  return getJson<RunsResponse>('/api/runs');
}

/** Fetches one run, or `undefined` when the log has no such run. */
export async function fetchRun(runId: string): Promise<RunResponse | undefined> {
  const response = await fetch(`/api/runs/${encodeURIComponent(runId)}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`The server answered ${response.status} for run ${runId}.`);
  return (await response.json()) as RunResponse;
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`The server answered ${response.status} for ${path}.`);
  return (await response.json()) as T;
}

/**
 * Calls `onChange` whenever the log changes, and `onState` when the connection comes and goes.
 *
 * @returns a function that stops listening.
 */
export function listenForUpdates(
  onChange: (version: number) => void,
  onState: (live: boolean) => void,
): () => void {
  const source = new EventSource('/api/updates');
  source.onopen = () => onState(true);
  source.onerror = () => onState(false);
  source.onmessage = (message: MessageEvent<string>) => {
    try {
      onChange((JSON.parse(message.data) as UpdateMessage).version);
    } catch {
      // A message from another version of the server: ignore it.
    }
  };
  return () => source.close();
}
