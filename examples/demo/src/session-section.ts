import type { RunResult } from '@agentloop/core';
import type { RunLog } from '@agentloop/inspector';
import { InMemoryStore } from '@agentloop/memory';
import { formatCount, formatUsage, selectModel } from '@agentloop-examples/shared';
import { createWeatherBot, fixtureFetch, weatherResponder } from '@agentloop-examples/weather-bot';
import { firstLine, heading, print } from './print.js';
import { totalUsage } from './total-usage.js';

/** The token budget of each request of the session: small, so that older turns must be dropped. */
export const SESSION_BUDGET = 900;

/** Tokens of the budget kept free for the reply. */
export const SESSION_REPLY_TOKENS = 200;

/** The follow-up questions of the session. */
export const SESSION_QUESTIONS = [
  'Weather in Paris?',
  'And in Oslo?',
  'What about Berlin?',
  'And London?',
] as const;

/**
 * A session of follow-up questions under a small token budget: every turn is stored, and each
 * request is trimmed to the budget (oldest turns first, a tool call never split from its
 * result), which `memory:trim` reports.
 *
 * @param log - records every event of the runs, for the inspector.
 * @returns the results of the session's runs.
 */
export async function sessionSection(log: RunLog): Promise<RunResult[]> {
  heading(
    3,
    `A session under a ${formatCount(SESSION_BUDGET)}-token budget · memory:trim keeps requests small`,
  );
  const { model, offline } = selectModel({ offline: weatherResponder });
  const store = new InMemoryStore();
  const bot = createWeatherBot({
    model,
    ...(offline ? { fetch: fixtureFetch({ latencyScale: 0.2 }) } : {}),
    memory: { store, maxTokens: SESSION_BUDGET, reserveOutputTokens: SESSION_REPLY_TOKENS },
  });
  bot.on('*', log);

  const results: RunResult[] = [];
  let trims = 0;
  let lastSent = 0;
  for (const question of SESSION_QUESTIONS) {
    print(`? ${question}`);
    const result = await bot.run(question, {
      sessionId: 'demo-session',
      hooks: {
        'memory:trim': (event) => {
          trims += 1;
          print(
            `  ✂ memory:trim dropped ${event.dropped} older messages, sent ${event.kept}: ${formatCount(event.tokens)} tokens + ${SESSION_REPLY_TOKENS} for the reply ≤ ${formatCount(event.maxTokens)}`,
          );
        },
        'model:start': (event) => {
          lastSent = event.request.messages.length;
        },
      },
    });
    print(`  ${firstLine(result.text.replace(/^•\s*/, ''))}`);
    results.push(result);
  }
  const stored = (await store.load('demo-session')).length;
  print(
    `  ${trims} trims; the store keeps all ${stored} messages, the last request sent ${lastSent}`,
  );
  const { usage, calls } = totalUsage(results);
  print(`  usage: ${formatUsage(usage, calls)}`);
  return results;
}
