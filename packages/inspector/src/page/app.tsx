/**
 * The page: the runs list (`#/`) or one run (`#/run/<runId>`), fetched from the server and
 * fetched again whenever the log changes.
 *
 * @module
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { RunResponse, RunsResponse } from '../model/api-types.js';
import { fetchRun, fetchRuns, listenForUpdates } from './api.js';
import { LogNotes } from './log-notes.js';
import { RunView } from './run-view.js';
import { type RunFilter, RunsList } from './runs-list.js';

type Route = { view: 'list' } | { view: 'run'; runId: string };

function readRoute(): Route {
  const match = /^#\/run\/(.+)$/.exec(window.location.hash);
  return match?.[1] ? { view: 'run', runId: decodeURIComponent(match[1]) } : { view: 'list' };
}

/** The whole page. */
export function App() {
  const [route, setRoute] = useState<Route>(readRoute);
  const [runs, setRuns] = useState<RunsResponse>();
  const [run, setRun] = useState<RunResponse | null>();
  const [live, setLive] = useState(false);
  const [failure, setFailure] = useState<string>();
  const [filter, setFilter] = useState<RunFilter>({ text: '', status: 'all' });
  const routeRef = useRef(route);
  routeRef.current = route;
  const loading = useRef(false);
  /** A fetch is owed whatever the version: the route changed, or the page just opened. */
  const owed = useRef(true);
  /** The newest log version the server announced, and the one on screen. */
  const announced = useRef(0);
  const shown = useRef(-1);

  const load = useCallback(async () => {
    // One load at a time; what is asked for meanwhile is fetched by the same loop.
    if (loading.current) return;
    loading.current = true;
    while (owed.current || announced.current > shown.current) {
      owed.current = false;
      const current = routeRef.current;
      try {
        const [list, one] = await Promise.all([
          fetchRuns(),
          current.view === 'run' ? fetchRun(current.runId) : Promise.resolve(undefined),
        ]);
        shown.current = list.version;
        setRuns(list);
        if (current.view === 'run') setRun(one ?? null);
        setFailure(undefined);
      } catch (error) {
        setFailure(error instanceof Error ? error.message : String(error));
        break;
      }
    }
    loading.current = false;
  }, []);

  useEffect(() => {
    const onHash = () => {
      const next = readRoute();
      setRoute(next);
      routeRef.current = next;
      setRun(undefined);
      window.scrollTo(0, 0);
      owed.current = true;
      void load();
    };
    window.addEventListener('hashchange', onHash);
    void load();
    const stop = listenForUpdates((version) => {
      // A smaller number than before: the server was restarted, and counts from 0 again.
      if (version < announced.current) owed.current = true;
      announced.current = version;
      void load();
    }, setLive);
    return () => {
      window.removeEventListener('hashchange', onHash);
      stop();
    };
  }, [load]);

  return (
    <div class="page">
      <header class="top">
        <a class="brand" href="#/">
          agentloop inspector
        </a>
        <span class="source" title={runs?.source.path}>
          {runs?.source.given}
        </span>
        <span class={`live ${live ? 'on' : 'off'}`} data-testid="live">
          {live ? '● live' : '○ reconnecting…'}
        </span>
      </header>
      {failure && (
        <p class="failure" role="alert">
          {failure}
        </p>
      )}
      {runs && <LogNotes runs={runs} />}
      {route.view === 'list' ? (
        runs ? (
          <RunsList data={runs} filter={filter} onFilter={setFilter} />
        ) : (
          <p class="loading">Loading the runs…</p>
        )
      ) : run === undefined ? (
        <p class="loading">Loading the run…</p>
      ) : run === null ? (
        <p class="empty" data-testid="run-missing">
          The log has no run <code>{route.runId}</code> (yet). <a href="#/">All runs</a>
        </p>
      ) : (
        <RunView data={run} />
      )}
    </div>
  );
}
