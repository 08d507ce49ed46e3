import type { BeforeTool, ToolDecision } from '@agentloop/core';
import { formatUsd, type Inventory } from './inventory.js';

/** What the approval hook decided about one order, for printing. */
export interface ApprovalRecord {
  /** `"3 × USB-C dock ($447.00)"`. */
  order: string;
  approved: boolean;
  /** Who or what decided. */
  by: 'rule' | 'person';
  /** Why, in words. */
  reason: string;
}

/** Options of {@link createApproval}. */
export interface ApprovalOptions {
  /** The inventory, to price the order. */
  inventory: Inventory;
  /** Orders up to this total are approved by the rule. @default 1000 */
  limitUsd?: number | undefined;
  /**
   * Asks a person; resolves to true to approve. When absent, the rule decides alone: orders up
   * to `limitUsd` are approved, larger ones denied.
   */
  ask?: ((question: string) => Promise<boolean>) | undefined;
  /** Told about every decision. */
  onDecision?: ((record: ApprovalRecord) => void) | undefined;
}

/**
 * A `beforeTool` hook that gates `place_order`: it prices the order, then asks a person when
 * `ask` is given (one question at a time, although a turn's calls are checked concurrently), or
 * else applies the rule: approve up to `limitUsd`, deny above it with a reason the model sees.
 * Other tools, and orders for unknown SKUs (the tool itself reports those), pass.
 *
 * @param options - `inventory`, `limitUsd`, `ask`, `onDecision`.
 * @returns the hook.
 */
export function createApproval({
  inventory,
  limitUsd = 1000,
  ask,
  onDecision,
}: ApprovalOptions): BeforeTool<unknown> {
  let queue: Promise<unknown> = Promise.resolve();
  const askInTurn = (question: string): Promise<boolean> => {
    const answer = queue.then(() => (ask ? ask(question) : false));
    queue = answer.catch(() => undefined);
    return answer;
  };

  return async (call): Promise<ToolDecision> => {
    if (call.name !== 'place_order') return { action: 'approve' };
    const { sku, quantity } = call.args as { sku?: unknown; quantity?: unknown };
    const quote =
      typeof sku === 'string' && typeof quantity === 'number'
        ? inventory.quote(sku, quantity)
        : undefined;
    if (!quote) return { action: 'approve' };
    const limit = formatUsd(limitUsd);
    let record: ApprovalRecord;
    if (ask) {
      const approved = await askInTurn(`Approve the order of ${quote.text}? [y/N] `);
      record = {
        order: quote.text,
        approved,
        by: 'person',
        reason: approved ? 'approved by the operator' : 'the operator declined the order',
      };
    } else {
      const approved = quote.totalUsd <= limitUsd;
      record = {
        order: quote.text,
        approved,
        by: 'rule',
        reason: approved
          ? `within the ${limit} limit for orders without sign-off`
          : `orders over ${limit} need a manager's sign-off, and none is available here; suggest a smaller quantity or asking a manager`,
      };
    }
    onDecision?.(record);
    return record.approved ? { action: 'approve' } : { action: 'deny', reason: record.reason };
  };
}
