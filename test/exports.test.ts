/**
 * Pins the public runtime exports of every package entry point, so that adding, renaming or
 * leaking a name is a visible decision (STYLE.md: "a test pins the public export list").
 * Types are erased at runtime and pinned by the type tests instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const EXPORTS: Record<string, string[]> = {
  '@agentloop/core': [
    'Agent',
    'AgentError',
    'AgentStream',
    'BudgetExceededError',
    'ConfigurationError',
    'DEFAULT_MAX_HANDOFFS',
    'DEFAULT_MAX_OUTPUT_REPAIRS',
    'DEFAULT_MAX_RETRIES',
    'DEFAULT_MAX_TURNS',
    'DEFAULT_MODEL_TIMEOUTS',
    'DEFAULT_OUTPUT_RESERVATION',
    'DEFAULT_TOOL_CONCURRENCY',
    'DeadlineExceededError',
    'InMemoryResponseCache',
    'InMemoryRunStore',
    'EVENT_TYPES',
    'MaxHandoffsExceededError',
    'MaxTurnsExceededError',
    'ModelError',
    'OutputValidationError',
    'RUN_SNAPSHOT_VERSION',
    'RateLimiter',
    'RunAbortedError',
    'RunState',
    'RunStateError',
    'RunStoreError',
    'SSE_HEADERS',
    'STREAM_HIGH_WATER_MARK',
    'WIRE_LIMITS',
    'assertSnapshotRunId',
    'cachedModel',
    'costBreakdown',
    'defaultHandoffToolName',
    'definePrice',
    'formatSSE',
    'handoff',
    'inputBreakdown',
    'isAbortError',
    'keepLastUserMessage',
    'openai',
    'openaiResponses',
    'pipeSSEToResponse',
    'priceFor',
    'removeToolCalls',
    'stopAtTool',
    'sumUsage',
    'toSSEResponse',
    'toSSEStream',
    'toWireError',
    'toWireEvent',
  ],
  '@agentloop/core/testing': ['ScriptedModel'],
  '@agentloop/core/node': ['FileRunStore'],
  '@agentloop/tools': [
    'DEFAULT_MAX_OUTPUT_CHARS',
    'TOOL_NAME_PATTERN',
    'ToolContent',
    'ToolDefinitionError',
    'ToolRegistry',
    'formatToolOutput',
    'jsonSchemaTool',
    'normalizeStrictNulls',
    'parseToolArguments',
    'toJSONSchema',
    'tool',
    'withImages',
  ],
  '@agentloop/memory': [
    'ContextOverflowError',
    'DEFAULT_CONTEXT_WINDOW',
    'DEFAULT_ENCODING',
    'DEFAULT_IMAGE_RULE',
    'InMemoryStore',
    'InvalidOptionError',
    'InvalidSessionIdError',
    'MAX_APPEND_KEY_LENGTH',
    'MAX_SESSION_ID_LENGTH',
    'MemoryError',
    'SUMMARY_HEADING',
    'SessionStoreError',
    'TokenCounter',
    'appendKeyOf',
    'assertSessionId',
    'contextWindowFor',
    'encodingForModel',
    'imageDimensionsOf',
    'imageRuleFor',
    'imageTokens',
    'maxImageTokens',
    'summaryRequestMessages',
    'toolImagesCallIds',
    'toolImagesMessage',
    'transcriptOf',
    'trimMessages',
    'trimWithSummary',
  ],
  '@agentloop/memory/node': ['FileStore'],
  // MCP servers as tools (issue 15): Node only (stdio children, sockets), so no edge test reaches it.
  '@agentloop/mcp': [
    'McpServer',
    'McpServerError',
    'McpToolCallError',
    'McpToolContent',
    'connectMcpServer',
  ],
  // The bottom of the graph (issue 12, point 8): the one error base the three packages extend.
  '@agentloop/protocol': ['AGENT_ERROR_MARKER', 'AgentError', 'serializeCause'],
  '@agentloop/otel': ['ATTRIBUTES', 'GEN_AI_SEMCONV_VERSION', 'otelMiddleware'],
  // Issue 17: record runs and look at them on a local page.
  '@agentloop/inspector': [
    'DEFAULT_INSPECTOR_PORT',
    'DEFAULT_MAX_VALUE_CHARS',
    'InspectorError',
    'runLog',
    'startInspector',
  ],
  // Issues 13 and 19: sessions, checkpoints, runs, the response cache and rate limits on Redis.
  '@agentloop/redis': [
    'DEFAULT_KEY_PREFIX',
    'DEFAULT_LOCK_DURATION_MS',
    'DEFAULT_REDIS_TIMEOUT_MS',
    'DEFAULT_RETENTION_MS',
    'DEFAULT_RUN_LEASE_MS',
    'DEFAULT_SESSION_LEASE_MS',
    'DEFAULT_STALLED_INTERVAL_MS',
    'LeaseLostError',
    'RedisError',
    'RedisRateLimiter',
    'RedisResponseCache',
    'RedisRunStore',
    'RedisSessionLock',
    'RedisStore',
    'RedisUnavailableError',
    'RunQueue',
    'RunQueueError',
    'RunWorker',
  ],
};

/** The names DESIGN.md promises ("Public names at a glance"); they must never disappear. */
const PROMISED: Record<string, string[]> = {
  '@agentloop/core': [
    'Agent',
    'openai',
    'AgentError',
    'ModelError',
    'MaxTurnsExceededError',
    'RunAbortedError',
    'OutputValidationError',
  ],
  '@agentloop/core/testing': ['ScriptedModel'],
  '@agentloop/tools': ['tool', 'ToolRegistry', 'toJSONSchema', 'jsonSchemaTool'],
  '@agentloop/mcp': ['connectMcpServer'],
  '@agentloop/memory': [
    'TokenCounter',
    'encodingForModel',
    'contextWindowFor',
    'trimMessages',
    'InMemoryStore',
    'ContextOverflowError',
  ],
  // Moved from the root (issue 11, point 21): the root loads on edge runtimes, FileStore needs files.
  '@agentloop/memory/node': ['FileStore'],
  '@agentloop/otel': ['otelMiddleware'],
};

describe('public exports', () => {
  it.each(Object.entries(EXPORTS))('%s exports exactly its pinned names', async (name, names) => {
    const module = (await import(name)) as Record<string, unknown>;
    expect(Object.keys(module).sort()).toEqual([...names].sort());
    for (const key of names) expect(module[key], key).toBeDefined();
  });

  it.each(Object.entries(PROMISED))('%s keeps the names DESIGN.md promises', (name, names) => {
    for (const key of names) expect(EXPORTS[name]).toContain(key);
  });

  it.each([
    ['core', ['.', './testing', './node']],
    ['tools', ['.']],
    ['memory', ['.']],
    ['protocol', ['.']],
    ['mcp', ['.']],
    ['otel', ['.']],
    ['inspector', ['.']],
    ['redis', ['.']],
  ])(
    'packages/%s maps each entry point to src (source) and dist (types, default)',
    (dir, entries) => {
      const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
        type: string;
        sideEffects: boolean;
        exports: Record<string, { source: string; types: string; default: string }>;
      };
      expect(pkg.type).toBe('module');
      expect(pkg.sideEffects).toBe(false);
      for (const entry of entries) {
        const target = pkg.exports[entry];
        expect(target, entry).toBeDefined();
        expect(Object.keys(target ?? {})).toEqual(['source', 'types', 'default']);
        expect(existsSync(join(root, 'packages', dir, target?.source ?? '')), target?.source).toBe(
          true,
        );
        expect(target?.types).toMatch(/^\.\/dist\/.*\.d\.ts$/);
        expect(target?.default).toMatch(/^\.\/dist\/.*\.js$/);
      }
    },
  );
});
