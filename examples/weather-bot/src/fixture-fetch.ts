import type { FetchLike } from '@agentloop/tools/builtin';
import { FIXTURE_PLACES, type FixturePlace } from './fixture-places.js';

/** Options of {@link fixtureFetch}. */
export interface FixtureFetchOptions {
  /**
   * Multiplies each place's simulated network latency (`0` answers at once). The latencies make
   * parallel tool calls visible: three cities take about as long as the slowest one.
   * @default 1
   */
  latencyScale?: number | undefined;
  /** The places known. @default FIXTURE_PLACES */
  places?: readonly FixturePlace[] | undefined;
}

/** Lower case without accents, so `são paulo` finds `São Paulo`. */
const fold = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .trim();

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/** Waits `ms`, rejecting with the signal's reason if it is aborted first. */
function delay(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const toFahrenheit = (c: number): number => Math.round(((c * 9) / 5) * 10 + 320) / 10;
const toMph = (kmh: number): number => Math.round(kmh * 6.2137) / 10;
const toInch = (mm: number): number => Math.round((mm / 25.4) * 100) / 100;

/** `GET /v1/search?name=...`: the places of that name, as Open-Meteo geocoding answers. */
function geocode(places: readonly FixturePlace[], url: URL): Response {
  const name = url.searchParams.get('name');
  if (name === null || name.trim() === '') {
    return json({ error: true, reason: "Parameter 'name' is required" }, 400);
  }
  const count = Number(url.searchParams.get('count') ?? '10');
  const results = places
    .filter((p) => fold(p.name) === fold(name))
    .slice(0, count)
    .map(({ current: _current, latencyMs: _latencyMs, ...place }) => place);
  // Open-Meteo leaves `results` out when nothing matched.
  return json(
    results.length > 0 ? { results, generationtime_ms: 0.4 } : { generationtime_ms: 0.3 },
  );
}

/** `GET /v1/forecast?latitude=...&longitude=...&current=...`, in the units asked for. */
function forecast(place: FixturePlace, url: URL): Response {
  const fahrenheit = url.searchParams.get('temperature_unit') === 'fahrenheit';
  const mph = url.searchParams.get('wind_speed_unit') === 'mph';
  const inch = url.searchParams.get('precipitation_unit') === 'inch';
  const c = place.current;
  return json({
    latitude: place.latitude,
    longitude: place.longitude,
    generationtime_ms: 0.06,
    timezone: place.timezone,
    current_units: {
      time: 'iso8601',
      interval: 'seconds',
      temperature_2m: fahrenheit ? '°F' : '°C',
      apparent_temperature: fahrenheit ? '°F' : '°C',
      relative_humidity_2m: '%',
      precipitation: inch ? 'inch' : 'mm',
      weather_code: 'wmo code',
      wind_speed_10m: mph ? 'mp/h' : 'km/h',
      wind_direction_10m: '°',
      is_day: '',
    },
    current: {
      time: c.time,
      interval: 900,
      temperature_2m: fahrenheit ? toFahrenheit(c.temperatureC) : c.temperatureC,
      apparent_temperature: fahrenheit ? toFahrenheit(c.feelsLikeC) : c.feelsLikeC,
      relative_humidity_2m: c.humidity,
      precipitation: inch ? toInch(c.precipitationMm) : c.precipitationMm,
      weather_code: c.weatherCode,
      wind_speed_10m: mph ? toMph(c.windKmh) : c.windKmh,
      wind_direction_10m: c.windDirection,
      is_day: c.isDay ? 1 : 0,
    },
  });
}

/**
 * A `fetch` that answers like Open-Meteo's geocoding (`/v1/search`) and forecast
 * (`/v1/forecast`) APIs from local fixtures, for `weatherTool({ fetch })`: the real tool runs,
 * only the network is replaced. An unknown city gets Open-Meteo's empty answer, so the tool
 * reports its own "no place named ..." error.
 *
 * @param options - `latencyScale`, `places`.
 * @returns the fetch.
 * @example
 * ```ts
 * const tool = weatherTool({ fetch: fixtureFetch() });
 * ```
 */
export function fixtureFetch({
  latencyScale = 1,
  places = FIXTURE_PLACES,
}: FixtureFetchOptions = {}): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    if (url.pathname.endsWith('/v1/search')) {
      await delay(10 * latencyScale, init.signal);
      return geocode(places, url);
    }
    if (url.pathname.endsWith('/v1/forecast')) {
      const latitude = Number(url.searchParams.get('latitude'));
      const longitude = Number(url.searchParams.get('longitude'));
      const place = places.find(
        (p) => Math.abs(p.latitude - latitude) < 0.01 && Math.abs(p.longitude - longitude) < 0.01,
      );
      if (!place) {
        return json({ error: true, reason: 'No fixture for these coordinates' }, 400);
      }
      await delay(place.latencyMs * latencyScale, init.signal);
      return forecast(place, url);
    }
    return json({ error: true, reason: `Not found: ${url.pathname}` }, 404);
  };
}
