import { parseToolArguments, type ToolOutcome, type ToolRegistry } from '@agentloop/tools';
import type { ChatCompletionToolMessageParam } from 'openai/resources/chat/completions';
import pLimit from 'p-limit';
import type { WrapToolCall } from '../middleware/middleware.js';
import type { ModelToolCall } from '../models/model.js';
import { raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { runToolCallChain } from './tool-call-chain.js';

/** How the tool calls of a turn are run. */
export interface RunToolsOptions<TContext> {
  registry: ToolRegistry<TContext>;
  /** The most calls running at once. */
  concurrency: number;
  /** The run's `wrapToolCall` hooks, outermost first (`beforeTool` among them). */
  middleware: readonly WrapToolCall<TContext>[];
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
  // Once one call fails (its middleware threw), the turn has failed: calls still waiting for a
  // slot, or for their middleware, must not start their tool.
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
  { registry, middleware, truncated }: RunToolsOptions<TContext>,
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
    // Validated first: middleware (beforeTool among them) and tool:start see the arguments the
    // tool will run with. A call that cannot run (unknown tool, bad JSON, invalid arguments)
    // never starts and goes through no middleware.
    let prepared = registry.prepare(toolCall, args.ok ? { args: args.value } : undefined);
    if (prepared instanceof Promise) prepared = await prepared;
    if (!prepared.ok) {
      outcome = prepared;
    } else {
      const ran = await runToolCallChain(state, prepared, {
        registry,
        middleware,
        beforeStart: stopIfFailed,
      });
      outcome = ran.outcome;
      // The record keeps a rewrite as given; the tool got it validated.
      if (ran.rewrite) args = { ok: true, value: ran.rewrite.args };
      // A denied call (beforeTool, ctx.deny) never started: it gets only its tool:end.
      denied = outcome.error?.code === 'denied';
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

function failure(
  toolCallId: string,
  name: string,
  code: 'invalid_json',
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
