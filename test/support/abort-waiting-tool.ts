/**
 * A tool that works "for a long time" (10 s) unless its run aborts it: for tests of what stops a
 * run mid-tool (a lost lease, a cancellation). It records how it ended in `seen`.
 *
 * @module
 */
import { type Tool, type ToolContext, tool } from '@agentloop/tools';
import { z } from 'zod';

/**
 * @param seen - gets `'aborted'` when the run's signal stopped the tool, `'finished'` when it ran
 *   its 10 s.
 * @param before - done first, inside the tool (say, taking the run's lease away).
 * @returns the tool, named `slow`, with no parameters.
 */
export function abortWaitingTool(
  seen: string[],
  before: (ctx: ToolContext) => Promise<unknown> = async () => {},
): Tool {
  return tool({
    name: 'slow',
    description: 'Works for a long time',
    parameters: z.object({}),
    execute: async (_args, ctx) => {
      await before(ctx);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          seen.push('finished');
          resolve();
        }, 10_000);
        ctx.signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          seen.push('aborted');
          resolve();
        });
      });
      return 'ok';
    },
  });
}
