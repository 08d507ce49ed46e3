/**
 * One fault, one code, at the type level: every package's code union carries protocol's
 * `invalid_config`, none still names the codes merged into it, and core's `AgentErrorCode` is
 * the union of every package's codes.
 */
import type { AgentErrorCode } from '@agentloop/core';
import type { MemoryErrorCode } from '@agentloop/memory';
import type { ConfigErrorCode } from '@agentloop/protocol';
import type { ToolDefinitionErrorCode } from '@agentloop/tools';
import type { BuiltinToolErrorCode } from '@agentloop/tools/builtin';
import { expectTypeOf, test } from 'vitest';

type Merged = 'invalid_option' | 'invalid_options' | 'invalid_tool_definition';

test('a misconfiguration is invalid_config in every package', () => {
  expectTypeOf<ConfigErrorCode>().toEqualTypeOf<'invalid_config'>();
  expectTypeOf<ConfigErrorCode>().toExtend<ToolDefinitionErrorCode>();
  expectTypeOf<ConfigErrorCode>().toExtend<BuiltinToolErrorCode>();
  expectTypeOf<ConfigErrorCode>().toExtend<MemoryErrorCode>();
  expectTypeOf<ConfigErrorCode>().toExtend<AgentErrorCode>();
});

test('no package still names a code merged into invalid_config', () => {
  expectTypeOf<Extract<AgentErrorCode, Merged>>().toBeNever();
  expectTypeOf<Extract<ToolDefinitionErrorCode, Merged>>().toBeNever();
  expectTypeOf<Extract<BuiltinToolErrorCode, Merged>>().toBeNever();
  expectTypeOf<Extract<MemoryErrorCode, Merged>>().toBeNever();
});

test("core's AgentErrorCode holds the codes of tools' definition errors and of memory", () => {
  expectTypeOf<ToolDefinitionErrorCode>().toExtend<AgentErrorCode>();
  expectTypeOf<MemoryErrorCode>().toExtend<AgentErrorCode>();
  expectTypeOf<'model_error' | 'run_aborted' | 'invalid_run_state'>().toExtend<AgentErrorCode>();
});
