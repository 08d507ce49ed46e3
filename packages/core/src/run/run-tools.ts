import {
  type PreparedToolCall,
  parseToolArguments,
  type ToolOutcome,
  type ToolPreparation,
  type ToolRegistry,
} from '@agentloop/tools';
import type { ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';
import pLimit from 'p-limit';
import type { BeforeTool } from '../middleware/interceptors.js';
import type { ModelToolCall } from '../models/model.js';
import { canAbort, raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { checkToolDecision } from './interceptor-results.js';

/** How the tool calls of a turn are run. */
export interface RunToolsOptions<TContext> {
  registry: ToolRegistry<TContext>;
  /** The most calls running at once. */
  concurrency: number;
  /** Agent-level first, then run-level. */
  beforeTool: readonly BeforeTool<TContext>[];
  /** The reply was cut off by the token limit: its calls' arguments are incomplete and never run. */
  truncated: boolean;
}

/**
 * Runs the tool calls of one turn concurrently (at most `concurrency` at once) and returns one
 * tool message per call, in the order of the calls whatever order they finish in. Faults of
 * the model or of a tool become tool messages the model sees; only an abort rejects.
 */
export async function runTools<TContext>(
  state: ActiveRun<TContext>,
  calls: readonly ModelToolCall[],
  options: RunToolsOptions<TContext>,
): Promise<ChatCompletionToolMessageParam[]> {
  const first = state.toolCalls.length;
  // Once one call fails (its interceptor threw), the turn has failed: calls still waiting for a
  // slot, or for their interceptor, must not start their tool.
  let failed: { error: unknown } | undefined;
  const stopIfFailed = () => {
    if (failed) throw failed.error;
  };
  const start = (call: ModelToolCall) =>
    failed
      ? Promise.reject(failed.error)
      : runOne(state, call, options, stopIfFailed).catch((error: unknown) => {
          failed ??= { error };
          throw error;
        });
  // Most turns have fewer calls than the bound: then no queue is needed at all.
  let limited: Promise<ToolOutcome>[];
  if (calls.length <= options.concurrency) {
    limited = calls.map(start);
  } else {
    const limit = pLimit(options.concurrency);
    limited = calls.map((call) => limit(() => start(call)));
  }
  const outcomes = await raceAbort(Promise.all(limited), state.signal);
  // Records are pushed as calls finish (so a partial result has them); the result lists them
  // in the order the model made the calls.
  const position = new Map(calls.map((call, index) => [call.id, index]));
  const records = state.toolCalls.splice(first);
  records.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  state.toolCalls.push(...records);
  return outcomes.map((outcome) => ({
    role: 'tool',
    tool_call_id: outcome.toolCallId,
    content: outcome.output,
  }));
}

async function runOne<TContext>(
  state: ActiveRun<TContext>,
  call: ModelToolCall,
  { registry, beforeTool, truncated }: RunToolsOptions<TContext>,
  stopIfFailed: () => void,
): Promise<ToolOutcome> {
  state.signal.throwIfAborted();
  const { runId, turn } = state;
  const { id, function: fn } = call;
  const name = fn.name;
  const rawArguments = fn.arguments;
  // The record keeps the arguments as the model sent them (parsed when they are JSON).
  let args = parseToolArguments(rawArguments);

  let outcome: ToolOutcome;
  let denied = false;
  if (truncated) {
    // Cut off by the token limit: the call never starts, it gets only its tool:end.
    outcome = failure(
      id,
      name,
      'invalid_json',
      `Error: the arguments of your call to "${name}" were cut off because the reply reached the token limit (finish_reason "length"), so the tool was not run. Call it again with shorter arguments.`,
    );
  } else {
    const toolCall = { id, name, arguments: rawArguments };
    // Validated first: beforeTool and tool:start see the arguments the tool will run with. A
    // call that cannot run (unknown tool, bad JSON, invalid arguments) never starts.
    let prepared = registry.prepare(toolCall, args.ok ? { args: args.value } : undefined);
    if (prepared instanceof Promise) prepared = await prepared;
    const gate =
      prepared.ok && beforeTool.length > 0
        ? await decide(state, beforeTool, registry, prepared)
        : undefined;
    stopIfFailed();
    if (gate?.rewrite) {
      // The record keeps the rewrite as given; the tool gets it validated.
      args = { ok: true, value: gate.rewrite.args };
    }
    if (gate?.deny !== undefined) {
      // A denied call never starts: it gets only its tool:end (with `denied: true`).
      denied = true;
      outcome = failure(
        id,
        name,
        'denied',
        `Error: the call to "${name}" was denied: ${gate.deny}. Do not retry it unchanged.`,
      );
    } else {
      if (gate) prepared = gate.prepared;
      if (!prepared.ok) {
        outcome = prepared;
      } else {
        if (state.bus.wants('tool:start')) {
          state.bus.emit({
            type: 'tool:start',
            runId,
            turn,
            toolCallId: id,
            name,
            args: prepared.args,
          });
        }
        outcome = await registry.run(prepared, {
          signal: state.signal,
          // A run without a caller's signal aborts it only once the run has failed, when
          // nobody waits for the outcome: no need for a listener per call to settle early.
          settleOnAbort: canAbort(state.signal),
          runId: state.runId,
          context: state.context,
        });
      }
    }
  }

  state.toolCalls.push({
    id,
    name,
    arguments: args.ok ? args.value : rawArguments,
    turn,
    outcome,
    durationMs: outcome.durationMs,
  });
  if (state.bus.wants('tool:end')) {
    state.bus.emit({
      type: 'tool:end',
      runId,
      turn,
      toolCallId: id,
      name,
      outcome,
      ...(denied ? { denied: true as const } : {}),
    });
  }
  return outcome;
}

/** What the `beforeTool` interceptors came to: a denial, or the call to run (or its failure). */
interface Gate<TContext> {
  /** The reason, when an interceptor denied the call. */
  deny?: string;
  /** The call after the rewrites, validated again; a failure when a rewrite was invalid. */
  prepared: ToolPreparation<TContext>;
  /** The last rewrite, when one rewrote the arguments. */
  rewrite?: { args: unknown };
}

/**
 * Asks the interceptors in turn. Each rewrite is validated at once, so the next interceptor
 * (and `tool:start`) gets validated arguments; an invalid rewrite ends the asking with its
 * `invalid_arguments` failure.
 */
async function decide<TContext>(
  state: ActiveRun<TContext>,
  interceptors: readonly BeforeTool<TContext>[],
  registry: ToolRegistry<TContext>,
  initial: PreparedToolCall<TContext>,
): Promise<Gate<TContext>> {
  const { call } = initial;
  const gate: Gate<TContext> = { prepared: initial };
  for (const intercept of interceptors) {
    const prepared = gate.prepared;
    if (!prepared.ok) break;
    const info = {
      runId: state.runId,
      turn: state.turn,
      agent: state.agent,
      context: state.context,
      toolCallId: call.id,
      name: call.name,
      args: prepared.args,
    };
    const decision = checkToolDecision(
      await raceAbort(Promise.resolve(intercept(info)), state.signal),
      call.name,
    );
    if (decision?.action === 'deny') return { ...gate, deny: decision.reason };
    if (decision?.action === 'rewrite') {
      gate.rewrite = { args: decision.args };
      const next = registry.prepare(call, { args: decision.args });
      gate.prepared = next instanceof Promise ? await raceAbort(next, state.signal) : next;
    }
  }
  return gate;
}

function failure(
  toolCallId: string,
  name: string,
  code: 'invalid_json' | 'denied',
  output: string,
): ToolOutcome {
  return {
    toolCallId,
    name,
    ok: false,
    output,
    value: undefined,
    error: { code, message: output.replace(/^Error: /, '') },
    durationMs: 0,
  };
}
