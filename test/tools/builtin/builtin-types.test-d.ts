import type { Tool } from '@agentloop/tools';
import {
  type CalculatorResult,
  calculatorTool,
  type HttpGetResult,
  httpGetTool,
  type LocalSearchResult,
  localSearchTool,
  type WeatherReport,
  type WebSearchBackend,
  weatherTool,
  webSearchTool,
} from '@agentloop/tools/builtin';
import { describe, expectTypeOf, it } from 'vitest';

describe('built-in tool types', () => {
  it('arguments and results are typed', () => {
    expectTypeOf(weatherTool().execute).parameter(0).toEqualTypeOf<{
      city: string;
      country?: string | undefined;
      unit?: 'celsius' | 'fahrenheit' | undefined;
    }>();
    expectTypeOf(weatherTool().execute).returns.resolves.toEqualTypeOf<WeatherReport>();
    expectTypeOf(calculatorTool().execute).returns.resolves.toEqualTypeOf<CalculatorResult>();
    expectTypeOf(
      localSearchTool({ dir: '.' }).execute,
    ).returns.resolves.toEqualTypeOf<LocalSearchResult>();
    expectTypeOf(
      httpGetTool({ allow: ['x.com'] }).execute,
    ).returns.resolves.toEqualTypeOf<HttpGetResult>();
  });

  it('every built-in fits a Tool[] list', () => {
    const backend = {} as WebSearchBackend;
    const tools: Tool[] = [weatherTool(), calculatorTool(), webSearchTool({ backend })];
    expectTypeOf(tools).toEqualTypeOf<Tool[]>();
  });

  it('required options are required', () => {
    // @ts-expect-error dir is required
    localSearchTool({});
    // @ts-expect-error allow is required
    httpGetTool({});
    // @ts-expect-error backend is required
    webSearchTool({});
    // @ts-expect-error unit is celsius or fahrenheit
    weatherTool().execute({ city: 'Oslo', unit: 'kelvin' }, {} as never);
  });
});
