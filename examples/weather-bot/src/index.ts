/**
 * The weather bot example: the built-in weather tool, its offline fixtures and the scripted
 * responder that stands in for a model without a key.
 *
 * @module @agentloop-examples/weather-bot
 */
export { type FixtureFetchOptions, fixtureFetch } from './fixture-fetch.js';
export { FIXTURE_CITY_NAMES, FIXTURE_PLACES, type FixturePlace } from './fixture-places.js';
export {
  createWeatherBot,
  DEFAULT_WEATHER_QUESTION,
  describeWeatherOutcome,
  type WeatherBotOptions,
} from './weather-bot.js';
export { placesIn, weatherResponder } from './weather-responder.js';
