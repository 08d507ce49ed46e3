/** A place as Open-Meteo geocoding returns it, with the conditions the fixtures report there. */
export interface FixturePlace {
  id: number;
  name: string;
  latitude: number;
  longitude: number;
  elevation: number;
  feature_code: string;
  country_code: string;
  country: string;
  admin1: string;
  timezone: string;
  population: number;
  /** The conditions the forecast fixture answers with (metric; converted on request). */
  current: {
    time: string;
    temperatureC: number;
    feelsLikeC: number;
    humidity: number;
    precipitationMm: number;
    weatherCode: number;
    windKmh: number;
    windDirection: number;
    isDay: boolean;
  };
  /** Simulated network latency of the forecast request, in ms. */
  latencyMs: number;
}

/**
 * The places the offline weather fixtures know, with a fixed set of conditions each (a snapshot,
 * not live weather). Two places are named Paris, as in the real geocoder.
 */
export const FIXTURE_PLACES: readonly FixturePlace[] = [
  {
    id: 2988507,
    name: 'Paris',
    latitude: 48.85341,
    longitude: 2.3488,
    elevation: 42,
    feature_code: 'PPLC',
    country_code: 'FR',
    country: 'France',
    admin1: 'Île-de-France',
    timezone: 'Europe/Paris',
    population: 2138551,
    current: {
      time: '2025-06-12T14:00',
      temperatureC: 23.4,
      feelsLikeC: 22.8,
      humidity: 46,
      precipitationMm: 0,
      weatherCode: 2,
      windKmh: 11.2,
      windDirection: 240,
      isDay: true,
    },
    latencyMs: 70,
  },
  {
    id: 4717560,
    name: 'Paris',
    latitude: 33.66094,
    longitude: -95.55551,
    elevation: 183,
    feature_code: 'PPLA2',
    country_code: 'US',
    country: 'United States',
    admin1: 'Texas',
    timezone: 'America/Chicago',
    population: 24782,
    current: {
      time: '2025-06-12T07:00',
      temperatureC: 24.1,
      feelsLikeC: 26.0,
      humidity: 83,
      precipitationMm: 0,
      weatherCode: 1,
      windKmh: 8.6,
      windDirection: 160,
      isDay: true,
    },
    latencyMs: 90,
  },
  {
    id: 3143244,
    name: 'Oslo',
    latitude: 59.91273,
    longitude: 10.74609,
    elevation: 26,
    feature_code: 'PPLC',
    country_code: 'NO',
    country: 'Norway',
    admin1: 'Oslo',
    timezone: 'Europe/Oslo',
    population: 580000,
    current: {
      time: '2025-06-12T14:00',
      temperatureC: 14.2,
      feelsLikeC: 12.1,
      humidity: 71,
      precipitationMm: 0.4,
      weatherCode: 61,
      windKmh: 18.7,
      windDirection: 200,
      isDay: true,
    },
    latencyMs: 45,
  },
  {
    id: 1850147,
    name: 'Tokyo',
    latitude: 35.6895,
    longitude: 139.69171,
    elevation: 44,
    feature_code: 'PPLC',
    country_code: 'JP',
    country: 'Japan',
    admin1: 'Tokyo',
    timezone: 'Asia/Tokyo',
    population: 8336599,
    current: {
      time: '2025-06-12T21:00',
      temperatureC: 25.9,
      feelsLikeC: 28.3,
      humidity: 78,
      precipitationMm: 0,
      weatherCode: 3,
      windKmh: 9.4,
      windDirection: 130,
      isDay: false,
    },
    latencyMs: 110,
  },
  {
    id: 2643743,
    name: 'London',
    latitude: 51.50853,
    longitude: -0.12574,
    elevation: 25,
    feature_code: 'PPLC',
    country_code: 'GB',
    country: 'United Kingdom',
    admin1: 'England',
    timezone: 'Europe/London',
    population: 8961989,
    current: {
      time: '2025-06-12T13:00',
      temperatureC: 19.6,
      feelsLikeC: 18.9,
      humidity: 58,
      precipitationMm: 0.1,
      weatherCode: 80,
      windKmh: 15.1,
      windDirection: 250,
      isDay: true,
    },
    latencyMs: 60,
  },
  {
    id: 5128581,
    name: 'New York',
    latitude: 40.71427,
    longitude: -74.00597,
    elevation: 10,
    feature_code: 'PPL',
    country_code: 'US',
    country: 'United States',
    admin1: 'New York',
    timezone: 'America/New_York',
    population: 8804190,
    current: {
      time: '2025-06-12T08:00',
      temperatureC: 21.3,
      feelsLikeC: 21.9,
      humidity: 64,
      precipitationMm: 0,
      weatherCode: 0,
      windKmh: 7.9,
      windDirection: 190,
      isDay: true,
    },
    latencyMs: 85,
  },
  {
    id: 2950159,
    name: 'Berlin',
    latitude: 52.52437,
    longitude: 13.41053,
    elevation: 74,
    feature_code: 'PPLC',
    country_code: 'DE',
    country: 'Germany',
    admin1: 'Land Berlin',
    timezone: 'Europe/Berlin',
    population: 3426354,
    current: {
      time: '2025-06-12T14:00',
      temperatureC: 21.7,
      feelsLikeC: 20.5,
      humidity: 52,
      precipitationMm: 0,
      weatherCode: 1,
      windKmh: 13.3,
      windDirection: 280,
      isDay: true,
    },
    latencyMs: 55,
  },
];

/** The names of the places the fixtures know, for help texts. */
export const FIXTURE_CITY_NAMES: readonly string[] = [
  ...new Set(FIXTURE_PLACES.map((p) => p.name)),
];
