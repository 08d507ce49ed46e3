import { TOOL_NAME_PATTERN } from '@agentloop/tools';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { ConfigurationError } from '../errors/errors.js';
import { isAgentConfig } from '../run/agent-registry.js';

/** What an `inputFilter` is given: the conversation handed over, and who hands it to whom. */
export interface HandoffInput<TContext = unknown> {
  /**
   * The conversation so far without the handing agent's instructions: history, input, and every
   * reply and tool result of the run, the handoff call and its result last.
   */
  messages: ChatCompletionMessageParam[];
  /** The agent handing over. */
  from: string;
  /** The agent taking over. */
  to: string;
  /** The run's user context. */
  context: TContext;
  /** The run's id. */
  runId: string;
}

/**
 * Decides what the agent taking over sees: returns the messages it gets (its own instructions are
 * put first). Every tool message must still follow the assistant message that made its call, and
 * every call must keep its result, or the run fails with a `ConfigurationError` naming the filter.
 * `removeToolCalls` and `keepLastUserMessage` are ready-made filters.
 */
export type HandoffInputFilter<TContext = unknown> = (
  input: HandoffInput<TContext>,
) => ChatCompletionMessageParam[] | Promise<ChatCompletionMessageParam[]>;

/** What `onHandoff` is told when a handoff happens. */
export interface HandoffInfo<TContext = unknown> {
  /** The agent handing over. */
  from: string;
  /** The agent taking over. */
  to: string;
  /** The model's handoff call. */
  toolCallId: string;
  /** The run's user context. */
  context: TContext;
  /** The run's id. */
  runId: string;
}

/** Options of {@link handoff}. */
export interface HandoffOptions<TContext = unknown> {
  /**
   * The tool the model calls to hand over.
   * @default `transfer_to_<agent name>`, the name cut to the tool-name pattern
   */
  toolName?: string;
  /**
   * What the model reads about the tool.
   * @default the agent's `handoffDescription`, else a sentence naming the agent
   */
  description?: string;
  /** What the agent taking over sees of the conversation. @default all of it */
  inputFilter?: HandoffInputFilter<TContext>;
  /**
   * Awaited when the handoff happens, before the agent taking over makes its first call (after a
   * crash between the two, it may be called again). A throw fails the run.
   */
  onHandoff?: (info: HandoffInfo<TContext>) => void | Promise<void>;
}

/** An agent a run can be handed to: any `Agent`. */
export interface HandoffAgent {
  readonly name: string;
}

/**
 * A handoff: a tool the model calls to make another agent the active agent for the rest of the
 * run. Made by {@link handoff}, or given as a plain agent in `handoffs`.
 *
 * @typeParam TContext - The run's user context.
 */
export interface Handoff<TContext = unknown> {
  /** The agent taking over. */
  readonly agent: HandoffAgent;
  /** The tool the model calls. */
  readonly toolName: string;
  /** What the model reads about the tool. */
  readonly description: string;
  readonly inputFilter: HandoffInputFilter<TContext> | undefined;
  readonly onHandoff: ((info: HandoffInfo<TContext>) => void | Promise<void>) | undefined;
}

/** An entry of `handoffs`: an agent, or a `handoff(agent, options)`. */
export type HandoffItem<TContext = unknown> = HandoffAgent | Handoff<TContext>;

const handoffs = new WeakSet<object>();

/**
 * Describes a handoff to `agent`, with its own tool name, description, history filter or
 * callback. A plain agent in `handoffs` is the same as `handoff(agent)`.
 *
 * @param agent - The agent taking over.
 * @param options - `toolName`, `description`, `inputFilter`, `onHandoff`.
 * @returns The handoff, for an agent's `handoffs`.
 * @throws ConfigurationError when `agent` is not an `Agent` or an option is invalid.
 * @example
 * ```ts
 * const triage = new Agent({
 *   name: 'triage',
 *   model,
 *   handoffs: [refunds, handoff(billing, { inputFilter: removeToolCalls })],
 * });
 * ```
 */
export function handoff<TContext = unknown>(
  agent: HandoffAgent,
  options: HandoffOptions<TContext> = {},
): Handoff<TContext> {
  if (!isAgentConfig(agent)) {
    throw new ConfigurationError(
      `handoff(agent) expects an Agent (new Agent({ ... })); got ${describe(agent)}.`,
      { option: 'handoffs' },
    );
  }
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(
      `handoff(${agent.name}, options): options must be an object such as { toolName, description, inputFilter, onHandoff }; got ${describe(options)}.`,
      { option: 'handoffs' },
    );
  }
  const { toolName = defaultHandoffToolName(agent.name), description } = options;
  if (typeof toolName !== 'string' || !TOOL_NAME_PATTERN.test(toolName)) {
    throw new ConfigurationError(
      `handoff(${agent.name}): "toolName" must match ^[a-zA-Z0-9_-]{1,64}$ (a name the API accepts); got ${describe(toolName)}. Leave it out for "${defaultHandoffToolName(agent.name)}".`,
      { option: 'handoffs.toolName' },
    );
  }
  if (description !== undefined && (typeof description !== 'string' || description === '')) {
    throw new ConfigurationError(
      `handoff(${agent.name}): "description" must be a non-empty string; got ${describe(description)}.`,
      { option: 'handoffs.description' },
    );
  }
  for (const key of ['inputFilter', 'onHandoff'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') {
      throw new ConfigurationError(
        `handoff(${agent.name}): "${key}" must be a function; got ${describe(options[key])}.`,
        { option: `handoffs.${key}` },
      );
    }
  }
  const made: Handoff<TContext> = Object.freeze({
    agent,
    toolName,
    description: description ?? defaultDescription(agent),
    inputFilter: options.inputFilter,
    onHandoff: options.onHandoff,
  });
  handoffs.add(made);
  return made;
}

/**
 * The tool name of a handoff to an agent: `transfer_to_` and the agent's name in lower case, each
 * run of characters other than letters, digits and `_` replaced by `_` (`weather-bot` gives
 * `transfer_to_weather_bot`), cut to 64 characters.
 */
export function defaultHandoffToolName(agentName: string): string {
  const name = agentName
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_');
  return `transfer_to_${name}`.slice(0, 64);
}

/**
 * The handoffs of an agent's `handoffs` option: plain agents made into handoffs, each checked,
 * and no two with one tool name, nor one named as one of the agent's tools.
 *
 * @throws ConfigurationError naming the duplicate or the bad entry.
 */
export function toHandoffs<TContext>(
  owner: string,
  items: unknown,
  existing: readonly Handoff<TContext>[],
  toolNames: readonly string[],
): Handoff<TContext>[] {
  if (!Array.isArray(items)) {
    throw new ConfigurationError(
      `Agent "${owner}": "handoffs" must be an array of agents or handoff(agent, options); got ${describe(items)}.`,
      { option: 'handoffs' },
    );
  }
  const made: Handoff<TContext>[] = [];
  const taken = new Map<string, string>(toolNames.map((name) => [name, `its tool "${name}"`]));
  for (const h of existing) taken.set(h.toolName, `its handoff to agent "${h.agent.name}"`);
  items.forEach((item: unknown, i) => {
    const entry = handoffs.has(item as object)
      ? (item as Handoff<TContext>)
      : isAgentConfig(item)
        ? handoff<TContext>(item)
        : undefined;
    if (!entry) {
      throw new ConfigurationError(
        `Agent "${owner}": handoffs[${i}] must be an Agent or handoff(agent, options); got ${describe(item)}.`,
        { option: `handoffs.${i}` },
      );
    }
    const clash = taken.get(entry.toolName);
    if (clash) {
      throw new ConfigurationError(
        `Agent "${owner}": the handoff to agent "${entry.agent.name}" would be the tool "${entry.toolName}", which is already ${clash}. Give one of them another name: handoff(agent, { toolName: '...' }).`,
        { option: `handoffs.${i}` },
      );
    }
    taken.set(entry.toolName, `its handoff to agent "${entry.agent.name}"`);
    made.push(entry);
  });
  return made;
}

function defaultDescription(agent: HandoffAgent): string {
  const own = (agent as { handoffDescription?: string }).handoffDescription;
  return own
    ? `Hand the conversation to agent "${agent.name}": ${own}`
    : `Hand the conversation to agent "${agent.name}", which answers the user from here on.`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object without an agent behind it';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}
