import type { NeedsApproval, StrictMode } from '@agentloop/tools';
import { McpServerError } from './errors.js';
import type { AdaptOptions, McpApprovalCheck } from './tool-adapter.js';
import type { McpToolDefinition } from './tool-list.js';
import { agentToolNames } from './tool-names.js';

/** Options of `server.tools()`. */
export interface McpToolsOptions {
  /** Only these tools (names as the server gives them). @default every tool */
  include?: readonly string[] | undefined;
  /** Leave these tools out (names as the server gives them). */
  exclude?: readonly string[] | undefined;
  /**
   * Put a prefix before every tool name: `true` for the server's `name` (`fs` gives
   * `fs_read_file`), or a prefix of your own. Use it when two servers offer tools of one name.
   * @default false
   */
  prefix?: boolean | string | undefined;
  /**
   * Pause the run for an approval before a call: `true` for every tool, a list of the tools
   * that need one, or a function of the arguments (and the tool's definition).
   * @default false
   */
  needsApproval?: boolean | readonly string[] | McpApprovalCheck | undefined;
  /**
   * Whether a call may run again after a crash (`agent.resume`). By default, a tool the server
   * marks `readOnlyHint` or `idempotentHint` is idempotent and others are not.
   */
  idempotent?: boolean | undefined;
  /** Strict mode of every tool's schema, as `jsonSchemaTool` takes it. @default 'auto' */
  strict?: StrictMode | undefined;
  /** Each tool's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /** Each tool's `maxOutputChars`. */
  maxOutputChars?: number | undefined;
}

function invalid(serverName: string, option: string, message: string): never {
  throw new McpServerError(`Invalid ${option} for MCP server "${serverName}": ${message}`, {
    code: 'invalid_config',
    serverName,
    option,
  });
}

/**
 * Checks the options of `tools()` before the server is asked anything.
 *
 * @throws McpServerError `invalid_config`, naming the option.
 */
export function checkToolsOptions(serverName: string, options: McpToolsOptions): void {
  const { include, exclude, prefix = false, needsApproval = false } = options;
  for (const [option, names] of [
    ['include', include],
    ['exclude', exclude],
  ] as const) {
    if (
      names !== undefined &&
      (!Array.isArray(names) || names.some((n) => typeof n !== 'string'))
    ) {
      invalid(serverName, option, 'expected an array of tool names (as the server gives them).');
    }
  }
  if (typeof prefix !== 'boolean' && typeof prefix !== 'string') {
    invalid(serverName, 'prefix', `expected true, false or a string, received ${String(prefix)}.`);
  }
  if (
    typeof needsApproval !== 'boolean' &&
    typeof needsApproval !== 'function' &&
    !Array.isArray(needsApproval)
  ) {
    invalid(
      serverName,
      'needsApproval',
      `expected true, false, a list of tool names or a function, received ${String(needsApproval)}.`,
    );
  }
}

/**
 * The tools `tools()` hands out, in the server's order, each with its agentloop name: filtered
 * by `include` / `exclude`, named valid and unique (with the prefix asked for).
 *
 * @throws McpServerError `invalid_config` for an `include`, `exclude` or `needsApproval` name the
 *   server does not offer (a typo must not quietly hand out, or hide, a tool).
 */
export function selectTools(
  serverName: string,
  all: readonly McpToolDefinition[],
  { include, exclude, prefix = false, needsApproval }: McpToolsOptions,
): { definition: McpToolDefinition; name: string }[] {
  const offered = new Set(all.map((tool) => tool.name));
  for (const [option, names] of [
    ['include', include],
    ['exclude', exclude],
    ['needsApproval', Array.isArray(needsApproval) ? needsApproval : undefined],
  ] as const) {
    const unknown = (names ?? []).filter((name) => !offered.has(name));
    if (unknown.length > 0) {
      invalid(
        serverName,
        option,
        `MCP server "${serverName}" offers no tool named ${unknown.map((n) => `"${n}"`).join(', ')}. It offers: ${[...offered].join(', ') || '(none)'}.`,
      );
    }
  }
  const chosen = all.filter(
    (tool) =>
      (include === undefined || include.includes(tool.name)) &&
      !(exclude ?? []).includes(tool.name),
  );
  const names = agentToolNames(
    chosen.map((tool) => tool.name),
    prefix === true ? serverName : prefix === false ? undefined : prefix,
  );
  return chosen.map((definition) => ({
    definition,
    name: names.get(definition.name) ?? definition.name,
  }));
}

/** One tool's options, from `tools()`'s. */
export function adaptOptions(
  definition: McpToolDefinition,
  name: string,
  options: McpToolsOptions,
): AdaptOptions {
  return {
    name,
    needsApproval: approvalFor(definition, options.needsApproval ?? false),
    idempotent:
      options.idempotent ??
      (definition.annotations?.readOnlyHint === true ||
        definition.annotations?.idempotentHint === true),
    strict: options.strict,
    timeoutMs: options.timeoutMs,
    maxOutputChars: options.maxOutputChars,
  };
}

/** One tool's `needsApproval`, from what `tools()` was given. */
function approvalFor(
  definition: McpToolDefinition,
  given: NonNullable<McpToolsOptions['needsApproval']>,
): NeedsApproval<Record<string, unknown>> {
  if (typeof given === 'boolean') return given;
  if (typeof given === 'function') return (args, ctx) => given(args, ctx, definition);
  return (given as readonly string[]).includes(definition.name);
}
