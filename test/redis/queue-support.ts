/**
 * What the queue tests share: agents on a scripted model that asks for one tool call and then
 * answers, and the removal of a test's keys.
 *
 * @module
 */
import { Agent, type ModelRequest } from '@agentloop/core';
import { ScriptedModel } from '@agentloop/core/testing';
import { tool } from '@agentloop/tools';
import { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * A model that asks for `tool` with the user's message as `{ text }` on the first turn and
 * answers `done: <tool output>` on the second, whatever the call index (so one model serves
 * any number of concurrent runs).
 */
export function oneToolModel(toolName: string, delayMs = 0): ScriptedModel {
  return new ScriptedModel(
    (request: ModelRequest) => {
      const last = request.messages.at(-1);
      if (last?.role === 'tool') return `done: ${String(last.content)}`;
      const user = [...request.messages].reverse().find((m) => m.role === 'user');
      return {
        toolCalls: [{ name: toolName, arguments: { text: String(user?.content ?? '') } }],
      };
    },
    { delayMs },
  );
}

/** An agent whose one tool is `execute` (named `act`). */
export function actAgent({
  name = 'actor',
  execute,
  needsApproval = false,
  idempotent = false,
  delayMs = 0,
}: {
  name?: string;
  execute: (
    args: { text: string },
    ctx: { signal: AbortSignal; idempotencyKey: string },
  ) => Promise<string>;
  needsApproval?: boolean;
  idempotent?: boolean;
  delayMs?: number;
}): Agent {
  const act = tool({
    name: 'act',
    description: 'Acts on the text.',
    parameters: z.object({ text: z.string() }),
    needsApproval,
    idempotent,
    execute: (args, ctx) => execute(args, ctx),
  });
  return new Agent({ name, model: oneToolModel('act', delayMs), tools: [act] }) as unknown as Agent;
}

/** Deletes every key under `prefix`. */
export async function removeKeys(url: string, prefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
