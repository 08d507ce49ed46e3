import { z } from 'zod/v4';
import { BuiltinToolError } from '../shared/builtin-tool-error.js';
import { joinUrl } from '../shared/factory-options.js';
import { describeUrl, type FetchLike, fetchJson } from '../shared/fetch-json.js';

/** One place of an Open-Meteo geocoding answer (the fields the weather tool reads). */
export const geocodingPlaceSchema = z.object({
  name: z.string(),
  latitude: z.number(),
  longitude: z.number(),
  country: z.string().optional(),
  country_code: z.string().optional(),
  admin1: z.string().optional(),
  timezone: z.string().optional(),
});

/** An Open-Meteo place. */
export type GeocodingPlace = z.infer<typeof geocodingPlaceSchema>;

/** `GET /v1/search`: `results` is absent when nothing matched. */
const geocodingResponseSchema = z.object({ results: z.array(geocodingPlaceSchema).optional() });

const reading = z.number().nullable().optional();

/** `GET /v1/forecast` with `current=...`. */
const forecastResponseSchema = z.object({
  timezone: z.string().optional(),
  current_units: z.record(z.string(), z.string()).optional(),
  current: z.object({
    time: z.string(),
    temperature_2m: reading,
    apparent_temperature: reading,
    relative_humidity_2m: reading,
    precipitation: reading,
    weather_code: reading,
    wind_speed_10m: reading,
    wind_direction_10m: reading,
    is_day: reading,
  }),
});

/** The current conditions of a forecast answer. */
export type CurrentConditions = z.infer<typeof forecastResponseSchema>;

/** The `current` variables requested from the forecast API. */
export const CURRENT_VARIABLES = [
  'temperature_2m',
  'apparent_temperature',
  'relative_humidity_2m',
  'precipitation',
  'weather_code',
  'wind_speed_10m',
  'wind_direction_10m',
  'is_day',
] as const;

/** What every Open-Meteo call needs. */
export interface OpenMeteoClient {
  /** The forecast API origin (`https://api.open-meteo.com`). */
  baseUrl: URL;
  /** The geocoding API origin (`https://geocoding-api.open-meteo.com`). */
  geocodingUrl: URL;
  /** The transport. */
  fetch: FetchLike;
  /** The language of place names. */
  language: string;
  /** The commercial API key, sent as `apikey`, if any. */
  apiKey: string | undefined;
  /** The tool's name, for errors. */
  toolName: string;
}

/** Validates an answer against a schema; a mismatch is an `upstream_error`. */
function parseAnswer<T>(
  schema: z.ZodType<T>,
  body: unknown,
  service: string,
  url: URL,
  toolName: string,
): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'the body';
  throw new BuiltinToolError(
    `${service} at ${describeUrl(url)} answered with an unexpected body (${where}: ${issue?.message ?? 'invalid'}). Check that the URL points at an Open-Meteo compatible service.`,
    { code: 'upstream_error', toolName, url: describeUrl(url), cause: parsed.error },
  );
}

/** Searches places by name: up to `count` results, best first. */
export async function searchPlaces(
  client: OpenMeteoClient,
  name: string,
  count: number,
  signal: AbortSignal,
): Promise<GeocodingPlace[]> {
  const url = joinUrl(client.geocodingUrl, '/v1/search');
  url.searchParams.set('name', name);
  url.searchParams.set('count', String(count));
  url.searchParams.set('language', client.language);
  url.searchParams.set('format', 'json');
  const answer = await getAnswer(
    client,
    url,
    'Open-Meteo geocoding',
    geocodingResponseSchema,
    signal,
  );
  return answer.results ?? [];
}

/** Fetches the current conditions at a point. */
export async function fetchCurrent(
  client: OpenMeteoClient,
  place: GeocodingPlace,
  unit: 'celsius' | 'fahrenheit',
  signal: AbortSignal,
): Promise<CurrentConditions> {
  const url = joinUrl(client.baseUrl, '/v1/forecast');
  url.searchParams.set('latitude', String(place.latitude));
  url.searchParams.set('longitude', String(place.longitude));
  url.searchParams.set('current', CURRENT_VARIABLES.join(','));
  url.searchParams.set('timezone', 'auto');
  url.searchParams.set('temperature_unit', unit);
  url.searchParams.set('wind_speed_unit', unit === 'fahrenheit' ? 'mph' : 'kmh');
  url.searchParams.set('precipitation_unit', unit === 'fahrenheit' ? 'inch' : 'mm');
  return getAnswer(client, url, 'Open-Meteo forecast', forecastResponseSchema, signal);
}

/** Fetches one Open-Meteo endpoint (with the key, when there is one) and checks its answer. */
async function getAnswer<T>(
  client: OpenMeteoClient,
  url: URL,
  service: string,
  schema: z.ZodType<T>,
  signal: AbortSignal,
): Promise<T> {
  if (client.apiKey !== undefined) url.searchParams.set('apikey', client.apiKey);
  const body = await fetchJson({
    url,
    fetch: client.fetch,
    signal,
    service,
    toolName: client.toolName,
  });
  return parseAnswer(schema, body, service, url, client.toolName);
}
