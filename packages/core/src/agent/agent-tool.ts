import {
  type InferToolArgs,
  jsonSchemaTool,
  type NeedsApproval,
  type Tool,
  type ToolContext,
  type ToolParameters,
  tool,
} from '@agentloop/tools';
import { hasCode } from '../errors/agent-error.js';
import { BudgetExceededError } from '../errors/budget-error.js';
import { ConfigurationError } from '../errors/errors.js';
import { executeRun, type ResolvedAgent } from '../run/run-loop.js';
import type { RunResult } from '../run/run-result.js';
import { RunState, snapshotOfState } from '../run/run-state.js';
import { type ChildLink, childLinkOf, closeChildLink, markAgentTool } from '../tree/child-link.js';
import type { RunInput } from './agent-options.js';

/** The arguments of an agent tool without `parameters`: the message the child agent gets. */
export interface AgentToolInput {
  input: string;
}

/**
 * Options of `agent.asTool()`.
 *
 * @typeParam TContext - the run's user context (the parent's, handed to the child).
 * @typeParam TOutput - the child agent's output type.
 * @typeParam TSchema - the tool's parameters, when not the default `{ input: string }`.
 */
export interface AgentToolOptions<
  TContext,
  TOutput,
  TSchema extends ToolParameters | undefined = undefined,
> {
  /** The tool's name. @default the agent's name, with characters a tool name cannot hold as `_` */
  name?: string;
  /** What the tool does, for the parent's model: when to call it and what it answers. */
  description: string;
  /**
   * The tool's arguments (a zod object schema). @default `{ input: string }`, the message the
   * child agent is given
   */
  parameters?: TSchema;
  /**
   * The child's input from the arguments. @default `args.input` with the default parameters,
   * else the arguments as JSON
   */
  input?: (args: ArgsOf<TSchema>) => RunInput;
  /**
   * What the parent's model sees from the child's result. @default `result.output`: the
   * structured output (sent as JSON) when the child has an `output` schema, else its text
   */
  output?: (result: RunResult<TOutput>) => unknown;
  /** Whether a call waits for an approval before the child runs (see `tool()`'s `needsApproval`). */
  needsApproval?: NeedsApproval<ArgsOf<TSchema>, TContext>;
  /** Cancels the child after this many ms; the parent's model sees a timeout. @default none */
  timeoutMs?: number;
}

/** The arguments of an agent tool with these parameters. */
export type ArgsOf<TSchema extends ToolParameters | undefined> = TSchema extends ToolParameters
  ? InferToolArgs<TSchema>
  : AgentToolInput;

/**
 * @internal The tool `agent.asTool()` returns: a call runs the agent to its answer as a child
 * of the calling run (see {@link ChildLink}): the parent's signal, context, budget and stream;
 * its events go up the parent's bus; its usage is added to the parent's; its pauses pause the
 * parent; its progress is saved inside the parent's snapshots. Called outside a run (a
 * registry's `execute`), it runs the agent on its own.
 */
export function agentTool<TContext, TOutput, TSchema extends ToolParameters | undefined>(
  agent: ResolvedAgent<TContext>,
  options: AgentToolOptions<TContext, TOutput, TSchema>,
): Tool<ArgsOf<TSchema>, unknown, TContext> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      `agent.asTool() of agent "${agent.name}" needs options with at least a description: asTool({ description: 'Answers weather questions' }).`,
      { option: 'asTool' },
    );
  }
  const name = options.name ?? toolNameOf(agent.name);
  const pick = options.output ?? ((result: RunResult<TOutput>) => result.output);
  const toInput =
    options.input ??
    (options.parameters === undefined
      ? (args: ArgsOf<TSchema>) => (args as AgentToolInput).input
      : (args: ArgsOf<TSchema>) => JSON.stringify(args));
  const execute = async (args: ArgsOf<TSchema>, ctx: ToolContext<TContext>) => {
    const link = childLinkOf(ctx);
    const result = link
      ? await runChild(agent, link, link.resumeFrom ? undefined : toInput(args), ctx)
      : await runAlone(agent, toInput(args), ctx);
    return pick(result as RunResult<TOutput>);
  };
  const shared = {
    name,
    description: options.description,
    // Safe to run again after a crash: the child continues from its progress, saved in the
    // parent's snapshot before any of its tools could start.
    idempotent: true,
    ...(options.needsApproval !== undefined ? { needsApproval: options.needsApproval } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
  const made =
    options.parameters === undefined
      ? jsonSchemaTool<AgentToolInput, unknown, TContext>({
          ...shared,
          needsApproval: shared.needsApproval as NeedsApproval<AgentToolInput, TContext>,
          inputSchema: {
            type: 'object',
            properties: {
              input: { type: 'string', description: `The message for agent "${agent.name}".` },
            },
            required: ['input'],
            additionalProperties: false,
          },
          execute: execute as (
            args: AgentToolInput,
            ctx: ToolContext<TContext>,
          ) => Promise<unknown>,
        })
      : tool({
          ...shared,
          parameters: options.parameters,
          execute: execute as never,
        });
  markAgentTool(made);
  return made as unknown as Tool<ArgsOf<TSchema>, unknown, TContext>;
}

/** A tool name from an agent name: `^[a-zA-Z0-9_-]{1,64}$`. */
function toolNameOf(agentName: string): string {
  const name = agentName.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return name === '' ? 'agent' : name;
}

/**
 * Runs the child inside its parent's tree. Any way it ends that is not an answer or a fault for
 * the parent's model (a pause, an abort, a budget stop) is left on the link, and the parent's
 * tool step acts on it.
 */
async function runChild<TContext>(
  agent: ResolvedAgent<TContext>,
  link: ChildLink,
  input: RunInput | undefined,
  ctx: ToolContext<TContext>,
): Promise<RunResult<unknown>> {
  const controller = new AbortController();
  link.abort = (reason) => controller.abort(reason);
  const running = executeRun(
    agent,
    link.resumeFrom ? { state: new RunState(link.resumeFrom) } : { input: input ?? '' },
    { signal: ctx.signal, context: ctx.context },
    { mode: link.parent.mode, internalSignal: controller.signal, child: link },
  );
  link.done = running.catch(() => undefined);
  let result: RunResult<unknown>;
  try {
    result = await running;
  } catch (error) {
    if (ctx.signal.aborted || controller.signal.aborted || stopsTheTree(error)) {
      link.stop = { kind: 'fatal', error };
      throw error;
    }
    // Anything else the child failed with is a fault the parent's model sees and can act on.
    throw new Error(
      `agent "${agent.name}" failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  } finally {
    closeChildLink(link);
  }
  if (result.status === 'interrupted') {
    link.stop = { kind: 'interrupted', snapshot: structuredClone(snapshotOfState(result.state)) };
    throw new Error(`agent "${agent.name}" paused for decisions.`);
  }
  return result;
}

/** A budget stop or a cancellation ends the whole tree, not just the call. */
function stopsTheTree(error: unknown): boolean {
  return (
    BudgetExceededError.isInstance(error) ||
    hasCode(error, 'run_aborted') ||
    hasCode(error, 'deadline_exceeded')
  );
}

/** Outside a run (a registry's `execute`): the agent runs on its own, with the call's signal. */
async function runAlone<TContext>(
  agent: ResolvedAgent<TContext>,
  input: RunInput,
  ctx: ToolContext<TContext>,
): Promise<RunResult<unknown>> {
  const result = await executeRun(
    agent,
    { input },
    { signal: ctx.signal, context: ctx.context },
    { mode: 'generate' },
  );
  if (result.status === 'interrupted') {
    throw new Error(
      `agent "${agent.name}" paused for decisions, which needs a run to hold them: give the tool to an agent and run that agent.`,
    );
  }
  return result;
}
