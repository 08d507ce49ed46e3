import { markUncancellable } from './abort.js';

/** The runs a caller's signal must abort, behind the one listener it carries for all of them. */
interface Fanout {
  readonly controllers: Set<AbortController>;
  readonly onAbort: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

type SetMaxListeners = (n: number, ...targets: EventTarget[]) => void;
let nodeSetMaxListeners: SetMaxListeners | null | undefined;

/**
 * Lifts Node's limit of listeners on one `EventTarget` (past 10 it warns of a leak). Node's
 * `events.setMaxListeners` is found through `process.getBuiltinModule` (Node >= 20.16), not
 * imported, so this module also loads where there is no `node:events`: web-standard runtimes
 * (Deno, Bun, Cloudflare Workers, Vercel Edge) have no such limit and nothing is to be lifted.
 */
function liftListenerLimit(target: EventTarget): void {
  if (nodeSetMaxListeners === undefined) {
    const nodeProcess = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } })
      .process;
    const events = nodeProcess?.getBuiltinModule?.('node:events') as
      | { setMaxListeners?: SetMaxListeners }
      | undefined;
    nodeSetMaxListeners = events?.setMaxListeners ?? null;
  }
  nodeSetMaxListeners?.(0, target);
}

/** A run's own signal, and how to detach it from the caller's signals when the run ends. */
export interface RunSignal {
  readonly signal: AbortSignal;
  /**
   * Detaches the run from its sources; call it once the run has ended. With `failed`, also
   * aborts the run's signal, so that work the run started and no longer waits for (the other
   * tool calls of a turn whose interceptor threw) is cancelled instead of outliving the run.
   */
  readonly end: (failed: boolean) => void;
  /**
   * Makes the run's signal abort when `source` does too: a source the run learns of once it has
   * started (the lease of its session). Only for a signal made with `followsLater`; detached by
   * `end` like the sources given at the start.
   */
  readonly follow: (source: AbortSignal) => void;
}

/**
 * A signal owned by one run that aborts when any of `sources` aborts.
 *
 * Everything below the run (the `openai` client, which adds a listener to the signal of every
 * request and never removes it, tools, `raceAbort`) listens to this signal, never to the
 * caller's: a caller's signal shared by many runs (a server's shutdown signal) would otherwise
 * gather listeners without bound and raise `MaxListenersExceededWarning`. Each source carries
 * one listener however many runs share it, removed when the last of them ends.
 * `AbortSignal.any` is not used: on Node 20 a source keeps every dependent signal that has a
 * listener, so a long-lived source leaks each run's signal.
 */
export function runSignal(
  sources: readonly AbortSignal[],
  { followsLater = false }: { followsLater?: boolean } = {},
): RunSignal {
  const controller = new AbortController();
  let ended = false;
  const end = (failed: boolean) => {
    ended = true;
    unlink(controller, linked);
    if (failed && !controller.signal.aborted) {
      controller.abort(
        new DOMException(
          'The run failed before this call finished, so it was cancelled.',
          'AbortError',
        ),
      );
    }
  };
  const linked: AbortSignal[] = [];
  const follow = (source: AbortSignal) => {
    if (!followsLater) {
      throw new Error('runSignal: follow() needs a signal made with followsLater (internal).');
    }
    // After the end nothing is linked any more: the run no longer listens.
    if (ended || controller.signal.aborted) return;
    if (link(controller, linked, source)) unlink(controller, linked);
  };
  // Nothing can abort the signal: whoever is handed it need not listen.
  if (sources.length === 0 && !followsLater) {
    return { signal: markUncancellable(controller.signal), end, follow };
  }
  // The run's own signal legitimately has a listener per running tool and per model call.
  liftListenerLimit(controller.signal);
  for (const source of sources) {
    if (link(controller, linked, source)) break;
  }
  if (controller.signal.aborted) unlink(controller, linked);
  return { signal: controller.signal, end, follow };
}

/**
 * Links `controller` to `source` through the source's one fan-out listener.
 *
 * @returns `true` when `source` had already aborted (and so has `controller` now).
 */
function link(controller: AbortController, linked: AbortSignal[], source: AbortSignal): boolean {
  if (source.aborted) {
    controller.abort(source.reason);
    return true;
  }
  let fanout = fanouts.get(source);
  if (!fanout) {
    const controllers = new Set<AbortController>();
    const onAbort = () => {
      fanouts.delete(source);
      for (const dependent of controllers) dependent.abort(source.reason);
      controllers.clear();
    };
    fanout = { controllers, onAbort };
    fanouts.set(source, fanout);
    source.addEventListener('abort', onAbort, { once: true });
  }
  fanout.controllers.add(controller);
  linked.push(source);
  return false;
}

function unlink(controller: AbortController, linked: AbortSignal[]): void {
  for (const source of linked) {
    const fanout = fanouts.get(source);
    if (!fanout) continue;
    fanout.controllers.delete(controller);
    if (fanout.controllers.size === 0) {
      source.removeEventListener('abort', fanout.onAbort);
      fanouts.delete(source);
    }
  }
  linked.length = 0;
}
