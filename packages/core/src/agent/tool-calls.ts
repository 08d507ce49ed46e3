import type { AnyTool, Tool, ToolFailure, ToolOutcome } from '@agentloop/tools';

/**
 * A list of tools, whatever their arguments, results and context: what an agent's events and
 * results are typed by. The tools given to an agent (`readonly [typeof a, typeof b]`) and
 * `AnyTool[]` both fit.
 */
export type ToolList = readonly AnyTool<never>[];

/**
 * The names of a list of tools: a union of literals (`'get_weather' | 'search'`), or `string`
 * when a name is not a literal type (a `ToolRegistry`, an `AnyTool[]`, or a tool made with
 * explicit type arguments): then nothing is narrowed by name.
 *
 * @typeParam TTools - The agent's tools.
 */
export type ToolNameOf<TTools extends ToolList> = TTools[number]['name'];

/** What a call to one tool can come to: its name and its outcome. */
export interface ToolCallShape {
  /** The tool's name. */
  name: string;
  /** What came of the call. */
  outcome: ToolOutcome;
}

/**
 * One {@link ToolCallShape} per tool of the list, where a success types `outcome.value` (what
 * the tool returns) and `outcome.args` (its validated arguments), plus one for a name the model
 * invented: a tool the agent does not have is refused (`unknown_tool`), so that one is always a
 * {@link ToolFailure}. Narrow on `name`, then on `outcome.ok`. A tool whose name is not a
 * literal type gives the wide shape `{ name: string; outcome: ToolOutcome }`, and then nothing
 * narrows by name.
 *
 * @typeParam TTools - The agent's tools.
 */
// Written as conditionals on each tool (never on the whole list), so that TypeScript can tell
// that an agent typed by its tools is assignable to the wide `Agent`.
export type ToolCallShapes<TTools extends ToolList> =
  | ShapeOf<TTools[number]>
  | { name: string; outcome: ToolFailure };

type ShapeOf<TTool> =
  TTool extends Tool<infer TArgs, infer TResult, never, infer TName>
    ? string extends TName
      ? ToolCallShape
      : { name: TName; outcome: ToolOutcome<Awaited<TResult>, UnknownIfNever<TArgs>> }
    : never;

/** What a started call to one tool carries: its name and its validated arguments. */
export interface ToolArgsShape {
  /** The tool's name. */
  name: string;
  /** The validated arguments the tool runs with. */
  args: unknown;
}

/**
 * One {@link ToolArgsShape} per tool of the list, where `args` is the tool's validated argument
 * type (defaults applied: the `TArgs` of its `Tool<TArgs, ...>`). Only a call to a tool the agent
 * has, with valid arguments, starts, so there is no member for an invented name. A tool whose
 * name is not a literal type gives the wide shape `{ name: string; args: unknown }`.
 *
 * @typeParam TTools - The agent's tools.
 */
// Conditionals on each tool, as for ToolCallShapes.
export type ToolArgsShapes<TTools extends ToolList> = ArgsShapeOf<TTools[number]>;

type ArgsShapeOf<TTool> =
  TTool extends Tool<infer TArgs, unknown, never, infer TName>
    ? string extends TName
      ? ToolArgsShape
      : { name: TName; args: UnknownIfNever<TArgs> }
    : never;

/** A bare `Tool`'s arguments are `never` (so any tool fits it); its calls' arguments are unknown. */
type UnknownIfNever<T> = [T] extends [never] ? unknown : T;
