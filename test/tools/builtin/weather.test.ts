import { ToolRegistry } from '@agentloop/tools';
import { BuiltinToolError, type FetchLike, weatherTool } from '@agentloop/tools/builtin';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LocalServer, sendJson, startLocalServer, toolContext } from './local-server.js';

/** Places as Open-Meteo's geocoding API returns them (fields trimmed to a realistic subset). */
const PLACES: Record<string, object[]> = {
  paris: [
    {
      id: 2988507,
      name: 'Paris',
      latitude: 48.85341,
      longitude: 2.3488,
      elevation: 42,
      feature_code: 'PPLC',
      country_code: 'FR',
      admin1_id: 3012874,
      timezone: 'Europe/Paris',
      population: 2138551,
      country_id: 3017382,
      country: 'France',
      admin1: 'Île-de-France',
    },
    {
      id: 4717560,
      name: 'Paris',
      latitude: 33.66094,
      longitude: -95.55551,
      elevation: 183,
      feature_code: 'PPLA2',
      country_code: 'US',
      timezone: 'America/Chicago',
      population: 24782,
      country: 'United States',
      admin1: 'Texas',
    },
  ],
  oslo: [
    {
      id: 3143244,
      name: 'Oslo',
      latitude: 59.91273,
      longitude: 10.74609,
      elevation: 26,
      feature_code: 'PPLC',
      country_code: 'NO',
      timezone: 'Europe/Oslo',
      country: 'Norway',
      admin1: 'Oslo',
    },
  ],
};

/** Current conditions by latitude, in Celsius and km/h. */
const CURRENT: Record<string, { t: number; code: number }> = {
  '48.85341': { t: 21.3, code: 2 },
  '33.66094': { t: 30.1, code: 0 },
  '59.91273': { t: -3.5, code: 73 },
};

let server: LocalServer;
let failForecast: number | undefined;
let hang = false;

beforeAll(async () => {
  server = await startLocalServer((_req, res, url) => {
    if (hang) return; // Never answers: for timeouts and aborts.
    if (url.pathname === '/v1/search') {
      const name = (url.searchParams.get('name') ?? '').toLowerCase();
      const results = PLACES[name];
      // Like Open-Meteo: no `results` key at all when nothing matched.
      return sendJson(
        res,
        200,
        results ? { results, generationtime_ms: 0.7 } : { generationtime_ms: 0.4 },
      );
    }
    if (url.pathname === '/v1/forecast') {
      if (failForecast !== undefined)
        return sendJson(res, failForecast, { error: true, reason: 'Internal server error' });
      const latitude = url.searchParams.get('latitude') ?? '';
      const current = (url.searchParams.get('current') ?? '').split(',');
      if (!current.includes('temperature_2m') || Number.isNaN(Number(latitude))) {
        return sendJson(res, 400, {
          error: true,
          reason: "Cannot initialize WeatherVariable from invalid String value 'x'",
        });
      }
      const reading = CURRENT[latitude] ?? { t: 10, code: 3 };
      const fahrenheit = url.searchParams.get('temperature_unit') === 'fahrenheit';
      return sendJson(res, 200, {
        latitude: Number(latitude),
        longitude: Number(url.searchParams.get('longitude')),
        generationtime_ms: 0.05,
        utc_offset_seconds: 7200,
        timezone: 'Europe/Paris',
        timezone_abbreviation: 'GMT+2',
        elevation: 43,
        current_units: {
          time: 'iso8601',
          interval: 'seconds',
          temperature_2m: fahrenheit ? '°F' : '°C',
          apparent_temperature: fahrenheit ? '°F' : '°C',
          relative_humidity_2m: '%',
          precipitation: fahrenheit ? 'inch' : 'mm',
          weather_code: 'wmo code',
          wind_speed_10m: fahrenheit ? 'mp/h' : 'km/h',
          wind_direction_10m: '°',
          is_day: '',
        },
        current: {
          time: '2025-06-01T14:15',
          interval: 900,
          temperature_2m: fahrenheit ? Math.round((reading.t * 9) / 5 + 32) : reading.t,
          apparent_temperature: reading.t - 1,
          relative_humidity_2m: 55,
          precipitation: 0,
          weather_code: reading.code,
          wind_speed_10m: 11.2,
          wind_direction_10m: 250,
          is_day: 1,
        },
      });
    }
    sendJson(res, 404, { error: true, reason: 'Not found' });
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  failForecast = undefined;
  hang = false;
});

const local = (extra: Parameters<typeof weatherTool>[0] = {}) =>
  weatherTool({ baseUrl: server.url, geocodingUrl: server.url, ...extra });

describe('weatherTool against a local Open-Meteo', () => {
  it('geocodes, then reads the current conditions', async () => {
    const report = await local().execute({ city: 'Paris' }, toolContext());
    expect(report).toMatchObject({
      location: {
        name: 'Paris',
        country: 'France',
        countryCode: 'FR',
        region: 'Île-de-France',
        latitude: 48.85341,
        timezone: 'Europe/Paris',
      },
      time: '2025-06-01T14:15',
      temperature: 21.3,
      feelsLike: 20.3,
      humidity: 55,
      conditions: 'Partly cloudy',
      weatherCode: 2,
      windSpeed: 11.2,
      isDay: true,
      units: { temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' },
    });
    const [geocode, forecast] = server.requests;
    expect(geocode?.url.pathname).toBe('/v1/search');
    expect(Object.fromEntries(geocode?.url.searchParams ?? [])).toMatchObject({
      name: 'Paris',
      language: 'en',
      format: 'json',
    });
    expect(forecast?.url.pathname).toBe('/v1/forecast');
    expect(forecast?.url.searchParams.get('latitude')).toBe('48.85341');
    expect(forecast?.url.searchParams.get('longitude')).toBe('2.3488');
    expect(forecast?.url.searchParams.get('current')?.split(',')).toEqual(
      expect.arrayContaining(['temperature_2m', 'weather_code', 'wind_speed_10m']),
    );
    expect(forecast?.url.searchParams.get('timezone')).toBe('auto');
  });

  it('picks among places of the same name by country, code, region or "City, Country"', async () => {
    const tool = local();
    expect(
      (await tool.execute({ city: 'Paris', country: 'US' }, toolContext())).location.region,
    ).toBe('Texas');
    expect(
      (await tool.execute({ city: 'Paris', country: 'texas' }, toolContext())).temperature,
    ).toBe(30.1);
    expect(
      (await tool.execute({ city: 'Paris, United States' }, toolContext())).location.countryCode,
    ).toBe('US');
    expect((await tool.execute({ city: 'Paris, USA' }, toolContext())).location.countryCode).toBe(
      'US',
    );
    expect(
      server.requests
        .filter((r) => r.url.pathname === '/v1/search')
        .every((r) => r.url.searchParams.get('name') === 'Paris'),
    ).toBe(true);
    await expect(tool.execute({ city: 'Paris', country: 'Canada' }, toolContext())).rejects.toThrow(
      /No place named "Paris" in "Canada".*Paris, Île-de-France, France; Paris, Texas, United States/,
    );
  });

  it('asks Fahrenheit, mph and inches together', async () => {
    const report = await local().execute({ city: 'Oslo', unit: 'fahrenheit' }, toolContext());
    const forecast = server.requests[1]?.url.searchParams;
    expect(forecast?.get('temperature_unit')).toBe('fahrenheit');
    expect(forecast?.get('wind_speed_unit')).toBe('mph');
    expect(forecast?.get('precipitation_unit')).toBe('inch');
    expect(report.temperature).toBe(26);
    expect(report.units.temperature).toBe('°F');
    expect(report.conditions).toBe('Moderate snowfall');
  });

  it('an unknown city is a tool error the model reads', async () => {
    const registry = new ToolRegistry([local()]);
    const outcome = await registry.execute({
      id: 'w1',
      name: 'get_weather',
      arguments: '{"city":"Atlantis"}',
    });
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.code).toBe('tool_error');
    expect(outcome.output).toMatch(
      /No place named "Atlantis" was found by Open-Meteo geocoding\. Check the spelling/,
    );
    expect(outcome.error?.cause).toMatchObject({ code: 'place_not_found' });
    expect(server.requests.map((r) => r.url.pathname)).toEqual(['/v1/search']);
  });

  it('an error status names the service and its reason, never the API key', async () => {
    failForecast = 503;
    const error = await Promise.resolve(
      local({ apiKey: 'sk-secret-123' }).execute({ city: 'Oslo' }, toolContext()),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuiltinToolError);
    expect(error).toMatchObject({ code: 'upstream_error', status: 503 });
    expect((error as Error).message).toMatch(
      /Open-Meteo forecast at http:\/\/127\.0\.0\.1:\d+\/v1\/forecast answered HTTP 503: Internal server error/,
    );
    expect((error as Error).message).not.toContain('sk-secret-123');
    expect(server.requests[0]?.url.searchParams.get('apikey')).toBe('sk-secret-123');
  });

  it('a body that is not Open-Meteo-shaped is an upstream error', async () => {
    const fetch: FetchLike = async () =>
      new Response(JSON.stringify({ results: [{ name: 'X' }] }), { status: 200 });
    await expect(
      weatherTool({ fetch }).execute({ city: 'X' }, toolContext()),
    ).rejects.toMatchObject({
      code: 'upstream_error',
      message: expect.stringMatching(/unexpected body \(results\.0\.latitude/),
    });
  });

  it('a refused connection is a network error', async () => {
    const closed = await startLocalServer(() => undefined);
    await closed.close();
    await expect(
      weatherTool({ geocodingUrl: closed.url }).execute({ city: 'Oslo' }, toolContext()),
    ).rejects.toMatchObject({
      code: 'network_error',
      message: expect.stringMatching(/Could not reach Open-Meteo geocoding/),
    });
  });

  it('passes ctx.signal to fetch, and a timeout cancels the request', async () => {
    const signals: Array<AbortSignal | null | undefined> = [];
    const fetch: FetchLike = (url, init) => {
      signals.push(init.signal);
      return globalThis.fetch(url, init);
    };
    const controller = new AbortController();
    await local({ fetch }).execute({ city: 'Oslo' }, toolContext(controller.signal));
    expect(signals).toEqual([controller.signal, controller.signal]);

    hang = true;
    const registry = new ToolRegistry([local({ timeoutMs: 150 })]);
    // The tool's timeout is a timer: stopped (the socket stays real), it passes when the test
    // moves the clock.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let outcome: Awaited<ReturnType<ToolRegistry['execute']>>;
    try {
      const pending = registry.execute({
        id: 'w2',
        name: 'get_weather',
        arguments: '{"city":"Oslo"}',
      });
      await vi.advanceTimersByTimeAsync(150);
      outcome = await pending;
    } finally {
      vi.useRealTimers();
    }
    expect(outcome.error?.code).toBe('timeout');
    await expect.poll(() => server.clientAborts()).toBeGreaterThan(0);
  });

  it('does nothing until called, and checks its options at creation', () => {
    let calls = 0;
    weatherTool({
      fetch: async () => {
        calls += 1;
        return new Response('{}');
      },
    });
    expect(calls).toBe(0);
    expect(() => weatherTool({ baseUrl: 'ftp://example.com' })).toThrow(
      /baseUrl to be an http\(s\) URL/,
    );
    expect(() => weatherTool({ language: 'english' })).toThrow(/two-letter code/);
    expect(() => weatherTool({ timeoutMs: -1 })).toThrow(BuiltinToolError);
  });
});
