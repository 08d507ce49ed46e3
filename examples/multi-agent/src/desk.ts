import { Agent, handoff, type Model, removeToolCalls } from '@agentloop/core';
import type { FetchLike } from '@agentloop/tools/builtin';
import { createSearchBot } from '@agentloop-examples/search-bot';
import { createWeatherBot } from '@agentloop-examples/weather-bot';

/** The models of the desk's agents: one each, so each can be scripted offline on its own. */
export interface DeskModels {
  triage: Model;
  weather: Model;
  search: Model;
  summariser: Model;
}

/** Options of {@link createDesk}. */
export interface DeskOptions {
  models: DeskModels;
  /** The weather tool's transport, e.g. `fixtureFetch()` offline. @default the global fetch */
  fetch?: FetchLike | undefined;
  /** The folder the search agent answers from. @default this repository */
  dir?: string | undefined;
}

/** The first lines of the triage agent's instructions, by which the offline responder knows it. */
export const TRIAGE_INSTRUCTIONS = `You are the front desk. You never answer questions yourself.
Weather questions: transfer_to_weather_bot. Questions about agentloop or its documents: transfer_to_search_bot.
When the user asks for a summary of a text, call summarise with the text and give back its summary.`;

/** The summariser's instructions. */
export const SUMMARISER_INSTRUCTIONS =
  'You summarise the text you are given in at most two sentences, keeping names and numbers.';

/**
 * A help desk of four agents: `triage` hands the conversation to `weather-bot` or `search-bot`
 * (each then answers the user with its own instructions and tools; the triage turn's tool calls
 * are not handed over), and calls `summariser` as a tool.
 *
 * @param options - the agents' models, and the weather tool's `fetch`.
 * @returns the four agents; run `triage`.
 */
export function createDesk({ models, fetch, dir }: DeskOptions) {
  const weather = createWeatherBot({ model: models.weather, fetch });
  const search = createSearchBot({ model: models.search, ...(dir ? { dir } : {}) });
  const summariser = new Agent({
    name: 'summariser',
    instructions: SUMMARISER_INSTRUCTIONS,
    model: models.summariser,
  });
  const triage = new Agent({
    name: 'triage',
    instructions: TRIAGE_INSTRUCTIONS,
    model: models.triage,
    tools: [summariser.asTool({ name: 'summarise', description: 'Summarises a text' })],
    handoffs: [
      handoff(weather, { inputFilter: removeToolCalls }),
      handoff(search, { inputFilter: removeToolCalls }),
    ],
  });
  return { triage, weather, search, summariser };
}
