import { Agent, InMemoryRunStore, type RunSnapshot, type RunStore } from '@agentloop/core';
import { ScriptedModel, type ScriptedReply } from '@agentloop/core/testing';
import type { MemoryStore } from '@agentloop/memory';
import { tool } from '@agentloop/tools';
import { z } from 'zod';

/** A run store that keeps a copy of every snapshot saved, in order: the checkpoints a crash could stop after. */
export class RecordingRunStore extends InMemoryRunStore {
  readonly saved: RunSnapshot[] = [];

  override async save(snapshot: RunSnapshot): Promise<void> {
    this.saved.push(structuredClone(snapshot));
    await super.save(snapshot);
  }
}

/** A store holding just one snapshot: the state a process left when it died after saving it. */
export async function storeAt(snapshot: RunSnapshot): Promise<InMemoryRunStore> {
  const store = new InMemoryRunStore();
  await store.save(snapshot);
  return store;
}

/**
 * An agent with a non-idempotent `charge` and an idempotent `fetch_rate`; every execution is
 * logged with its idempotency key in `log`, the effects a crash test counts.
 */
export function shopAgent({
  replies,
  runStore,
  log = [],
  memory,
  hold,
}: {
  replies: ScriptedReply[];
  runStore?: RunStore;
  log?: string[];
  memory?: MemoryStore;
  /** Awaited by `charge` before it returns (to catch it mid-flight). */
  hold?: Promise<void>;
}) {
  const charge = tool({
    name: 'charge',
    description: 'Charges a card',
    parameters: z.object({ cents: z.number() }),
    execute: async ({ cents }, ctx) => {
      log.push(`charge:${cents}:${ctx.idempotencyKey}`);
      if (hold) await hold;
      return `charged ${cents}`;
    },
  });
  const fetchRate = tool({
    name: 'fetch_rate',
    description: 'Reads an exchange rate',
    parameters: z.object({ pair: z.string() }),
    idempotent: true,
    execute: ({ pair }, ctx) => {
      log.push(`fetch_rate:${pair}:${ctx.idempotencyKey}`);
      return `${pair} 1.1`;
    },
  });
  const model = new ScriptedModel(replies);
  const agent = new Agent({
    name: 'shop',
    model,
    tools: [charge, fetchRate],
    ...(runStore ? { runStore } : {}),
    ...(memory ? { memory: { store: memory } } : {}),
  });
  return { agent, model, log };
}

export const turnOne = {
  toolCalls: [
    { id: 'call_c', name: 'charge', arguments: { cents: 500 } },
    { id: 'call_f', name: 'fetch_rate', arguments: { pair: 'EURUSD' } },
  ],
};

/** Where a snapshot stands, in one line: status, turn, each pending call's status, message roles. */
export function describeSnapshot(s: RunSnapshot): string {
  const pending = s.pending?.map((p) => `${p.name}=${p.status}`).join(',') ?? '-';
  return `${s.status} t${s.turn} [${pending}] ${s.messages.map((m) => m.role[0]).join('')}`;
}
