import type { ModelRequest } from '@agentloop/core';
import type { ScriptedReplyObject } from '@agentloop/core/testing';
import type { WeatherReport } from '@agentloop/tools/builtin';
import {
  currentToolResults,
  faultReason,
  jsonOutput,
  lastUserText,
  type ToolResult,
} from '@agentloop-examples/shared';

/** Capitalised words that start questions rather than name places. */
const NOT_PLACES = new Set(
  (
    'what whats how hows is are was will would should could can do does did tell give show ' +
    'compare check get find please weather forecast temperature the a and or in at for of about ' +
    'also and now today tonight tomorrow right current currently it its i me my any hi hello hey ' +
    'thanks celsius fahrenheit which where when why'
  ).split(' '),
);

/** Lowercase words that may sit inside a place name (`Rio de Janeiro`, `Frankfurt am Main`). */
const CONNECTORS = new Set(['de', 'da', 'do', 'del', 'la', 'le', 'am', 'upon', 'on']);

/**
 * The place names in a question: runs of capitalised words (`New York`), minus the words that
 * start questions (`What`, `Weather`, ...). `"Weather in Paris, Oslo and New York?"` gives
 * `['Paris', 'Oslo', 'New York']`.
 *
 * @param question - the user's question.
 * @returns the names, each once, in order.
 */
export function placesIn(question: string): string[] {
  // Words, and punctuation that ends a run: "Paris, Oslo" is two places, "New York" one.
  const tokens = question.match(/[\p{L}'’-]+|[^\p{L}\s'’-]+/gu) ?? [];
  const places: string[] = [];
  let current: string[] = [];
  const flush = () => {
    while (current.length > 0 && CONNECTORS.has(current.at(-1) ?? '')) current.pop();
    if (current.length > 0) places.push(current.join(' '));
    current = [];
  };
  for (const token of tokens) {
    const word = token.replace(/['’]s$/u, '').replace(/['’-]+$/u, '');
    const capitalised = /^\p{Lu}/u.test(word) && !NOT_PLACES.has(word.toLowerCase());
    if (capitalised) current.push(word);
    else if (current.length > 0 && CONNECTORS.has(word)) current.push(word);
    else flush();
  }
  flush();
  return [...new Set(places)];
}

function cityOf(result: ToolResult): string {
  const args = result.args as { city?: unknown } | undefined;
  return typeof args?.city === 'string' ? args.city : 'that place';
}

function describe(report: WeatherReport): string {
  const { location: where, units } = report;
  const place = [where.name, where.country].filter(Boolean).join(', ');
  const feels =
    report.feelsLike === null ? '' : ` (feels like ${report.feelsLike} ${units.temperature})`;
  const rain = report.precipitation
    ? `, ${report.precipitation} ${units.precipitation} of rain`
    : '';
  return `${place}: ${report.temperature} ${units.temperature}${feels}, ${report.conditions.toLowerCase()}, humidity ${report.humidity}%, wind ${report.windSpeed} ${units.windSpeed}${rain}.`;
}

/** The answer a careful model would write from the tool results of this question. */
function answer(results: readonly ToolResult[]): string {
  const lines: string[] = [];
  const reports: WeatherReport[] = [];
  for (const result of results) {
    const report = jsonOutput<WeatherReport>(result);
    if (report) {
      reports.push(report);
      lines.push(`• ${describe(report)}`);
    } else {
      lines.push(`• ${cityOf(result)}: I could not get the weather there. ${faultReason(result)}`);
    }
  }
  const known = reports.filter((r) => r.temperature !== null);
  if (known.length > 1) {
    const sorted = [...known].sort((a, b) => (b.temperature ?? 0) - (a.temperature ?? 0));
    const warmest = sorted[0] as WeatherReport;
    const coldest = sorted.at(-1) as WeatherReport;
    lines.push(
      `Warmest is ${warmest.location.name} (${warmest.temperature} ${warmest.units.temperature}), coolest ${coldest.location.name} (${coldest.temperature} ${coldest.units.temperature}).`,
    );
  }
  return lines.join('\n');
}

/**
 * The offline stand-in for a model, for the weather bot: it reads the question, calls
 * `get_weather` once per place it names (all in one turn, so the calls run in parallel), then
 * answers from what the tool returned, relaying the tool's own message for a place it could
 * not find. Asks for `unit: 'fahrenheit'` when the question mentions Fahrenheit.
 *
 * @param request - the request the scripted model received.
 * @returns the reply.
 */
export function weatherResponder(request: ModelRequest): string | ScriptedReplyObject {
  const results = currentToolResults(request).filter((r) => r.name === 'get_weather');
  if (results.length > 0) return answer(results);
  const question = lastUserText(request);
  const places = placesIn(question);
  if (places.length === 0) {
    return 'Which city would you like the weather for? Name one or more, e.g. "Weather in Paris and Oslo?"';
  }
  const fahrenheit = /fahrenheit|°F/i.test(question);
  return {
    toolCalls: places.map((city) => ({
      name: 'get_weather',
      arguments: fahrenheit ? { city, unit: 'fahrenheit' } : { city },
    })),
  };
}
