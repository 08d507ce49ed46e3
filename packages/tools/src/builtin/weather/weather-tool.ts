import { z } from 'zod/v4';
import { tool } from '../../tool.js';
import type { Tool } from '../../types.js';
import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import {
  type BuiltinToolOptions,
  baseUrlOption,
  fetchOption,
  invalidOption,
  positiveInt,
} from '../shared/factory-options.js';
import type { FetchLike } from '../shared/fetch-json.js';
import {
  fetchCurrent,
  type GeocodingPlace,
  type OpenMeteoClient,
  searchPlaces,
} from './open-meteo.js';
import { describeWeatherCode } from './weather-codes.js';

/** Options of {@link weatherTool}. */
export interface WeatherToolOptions extends BuiltinToolOptions {
  /** The forecast API origin. @default 'https://api.open-meteo.com' */
  baseUrl?: string | URL | undefined;
  /** The geocoding API origin. @default 'https://geocoding-api.open-meteo.com' */
  geocodingUrl?: string | URL | undefined;
  /** The transport. @default the global `fetch` */
  fetch?: FetchLike | undefined;
  /** Language of place names (two letters). @default 'en' */
  language?: string | undefined;
  /** An Open-Meteo commercial API key, sent as `apikey` (never shown in messages). @default none */
  apiKey?: string | undefined;
  /** Cancel the call after this many milliseconds. @default 10000 */
  timeoutMs?: number | undefined;
}

/** The arguments of the weather tool. */
export interface WeatherArgs {
  /** The city or town. */
  city: string;
  /** A country name or ISO code (or a region) to pick among places of the same name. */
  country?: string | undefined;
  /** The temperature unit. */
  unit?: 'celsius' | 'fahrenheit' | undefined;
}

/** What the weather tool returns: the place found and its current conditions. */
export interface WeatherReport {
  /** The place the city name resolved to. */
  location: {
    name: string;
    region: string | undefined;
    country: string | undefined;
    countryCode: string | undefined;
    latitude: number;
    longitude: number;
    timezone: string | undefined;
  };
  /** Local time of the observation (ISO 8601, no offset). */
  time: string;
  /** The conditions in words (`'Partly cloudy'`). */
  conditions: string;
  /** The WMO weather code, `null` when unknown. */
  weatherCode: number | null;
  /** Air temperature at 2 m, in `units.temperature`. */
  temperature: number | null;
  /** Apparent temperature (wind and humidity included), in `units.temperature`. */
  feelsLike: number | null;
  /** Relative humidity in %. */
  humidity: number | null;
  /** Precipitation of the current interval, in `units.precipitation`. */
  precipitation: number | null;
  /** Wind speed at 10 m, in `units.windSpeed`. */
  windSpeed: number | null;
  /** Where the wind comes from, in degrees. */
  windDirection: number | null;
  /** Whether it is daytime at the place. */
  isDay: boolean | null;
  /** Units of the numbers above, as the service reported them. */
  units: { temperature: string; precipitation: string; windSpeed: string };
}

/** Common names for country codes that the geocoder's `country` field does not spell that way. */
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  usa: 'us',
  'united states of america': 'us',
  america: 'us',
  uk: 'gb',
  'great britain': 'gb',
  britain: 'gb',
};

/** Whether a place matches every comma-separated part of a hint (country, code or region). */
function matchesHint(place: GeocodingPlace, hint: string): boolean {
  const fields = [place.country_code, place.country, place.admin1]
    .filter((v): v is string => v !== undefined)
    .map((v) => v.toLowerCase());
  return hint
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '')
    .every((part) => fields.includes(part) || fields.includes(COUNTRY_ALIASES[part] ?? part));
}

const describePlace = (p: GeocodingPlace): string =>
  [p.name, p.admin1, p.country].filter((v) => v !== undefined && v !== '').join(', ');

/**
 * A weather tool on Open-Meteo (no key needed): resolves the city with Open-Meteo geocoding,
 * then reads the current conditions. An unknown city is a tool error telling the model what to
 * try instead. `ctx.signal` cancels the requests.
 *
 * @param options - Endpoints, `fetch`, `language`, `apiKey`, `timeoutMs`, `name` (default
 *   `get_weather`), `description`.
 * @returns The tool.
 * @throws BuiltinToolError `invalid_config` for a bad option.
 * @example
 * ```ts
 * const agent = new Agent({ name: 'weather', model, tools: [weatherTool()] });
 * await agent.run('Weather in Paris and Oslo?');
 * ```
 */
export function weatherTool(options: WeatherToolOptions = {}): Tool<WeatherArgs, WeatherReport> {
  const factory = 'weatherTool';
  const language = options.language ?? 'en';
  if (!/^[a-z]{2}$/i.test(language)) {
    invalidOption(
      factory,
      'language',
      `expected language to be a two-letter code such as "en", received "${language}".`,
    );
  }
  const name = options.name ?? 'get_weather';
  const client: OpenMeteoClient = {
    baseUrl: baseUrlOption(factory, 'baseUrl', options.baseUrl ?? 'https://api.open-meteo.com'),
    geocodingUrl: baseUrlOption(
      factory,
      'geocodingUrl',
      options.geocodingUrl ?? 'https://geocoding-api.open-meteo.com',
    ),
    fetch: fetchOption(factory, options.fetch),
    language: language.toLowerCase(),
    apiKey: options.apiKey,
    toolName: name,
  };
  return tool({
    name,
    description:
      options.description ??
      'Gets the current weather for a city: temperature, feels-like, conditions, humidity, precipitation and wind. Call it once per city (several calls can run in parallel). If several places share the name, pass "country" (a country name, ISO code or region).',
    timeoutMs: positiveInt(factory, 'timeoutMs', options.timeoutMs, 10_000),
    parameters: z.object({
      city: z.string().min(1).describe('The city or town, e.g. "Paris". English names work best.'),
      country: z
        .string()
        .optional()
        .describe('Country name or ISO code, or a region, to tell apart places of the same name.'),
      unit: z
        .enum(['celsius', 'fahrenheit'])
        .optional()
        .describe('Temperature unit (fahrenheit also gives mph and inches). Default: celsius.'),
    }),
    execute: async ({ city, country, unit }, { signal }): Promise<WeatherReport> => {
      let query = city.trim();
      let hint = country?.trim() || undefined;
      const explicit = hint !== undefined;
      if (hint === undefined && query.includes(',')) {
        // "Paris, France": the geocoder matches names only, so the rest becomes the hint.
        const comma = query.indexOf(',');
        hint = query.slice(comma + 1).trim() || undefined;
        query = query.slice(0, comma).trim();
      }
      const places = await searchPlaces(client, query, 10, signal);
      if (places.length === 0) {
        throw new BuiltinToolError(
          `No place named "${query}" was found by Open-Meteo geocoding. Check the spelling, use the English name of a city or town (without street or region), or try a larger place nearby.`,
          { code: 'place_not_found', toolName: name },
        );
      }
      const matching = hint === undefined ? places : places.filter((p) => matchesHint(p, hint));
      if (matching.length === 0 && explicit) {
        throw new BuiltinToolError(
          `No place named "${query}" in "${hint}" was found. Places of that name: ${places.slice(0, 5).map(describePlace).join('; ')}. Call again with one of these countries, or without "country".`,
          { code: 'place_not_found', toolName: name },
        );
      }
      const place = (matching[0] ?? places[0]) as GeocodingPlace;
      const chosenUnit = unit ?? 'celsius';
      const {
        current,
        current_units: units = {},
        timezone,
      } = await fetchCurrent(client, place, chosenUnit, signal);
      const code = current.weather_code ?? null;
      return {
        location: {
          name: place.name,
          region: place.admin1,
          country: place.country,
          countryCode: place.country_code,
          latitude: place.latitude,
          longitude: place.longitude,
          timezone: place.timezone ?? timezone,
        },
        time: current.time,
        conditions: describeWeatherCode(code),
        weatherCode: code,
        temperature: current.temperature_2m ?? null,
        feelsLike: current.apparent_temperature ?? null,
        humidity: current.relative_humidity_2m ?? null,
        precipitation: current.precipitation ?? null,
        windSpeed: current.wind_speed_10m ?? null,
        windDirection: current.wind_direction_10m ?? null,
        isDay:
          current.is_day === undefined || current.is_day === null ? null : current.is_day === 1,
        units: {
          temperature: units.temperature_2m ?? (chosenUnit === 'fahrenheit' ? '°F' : '°C'),
          precipitation: units.precipitation ?? (chosenUnit === 'fahrenheit' ? 'inch' : 'mm'),
          windSpeed: units.wind_speed_10m ?? (chosenUnit === 'fahrenheit' ? 'mp/h' : 'km/h'),
        },
      };
    },
  });
}
