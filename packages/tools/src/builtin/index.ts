export type {
  CalculateOptions,
  CalculatorArgs,
  CalculatorResult,
  CalculatorToolOptions,
} from './calculator/calculator-tool.js';
export { calculate, calculatorTool } from './calculator/calculator-tool.js';
export type { AngleUnit } from './calculator/math-functions.js';
export type { LookupAll, ResolvedAddress } from './http-get/check-url.js';
export type { HttpGetArgs, HttpGetResult, HttpGetToolOptions } from './http-get/http-get-tool.js';
export { httpGetTool } from './http-get/http-get-tool.js';
export type { AddressCategory } from './http-get/ip-address.js';
export { classifyAddress } from './http-get/ip-address.js';
export type {
  LocalSearchArgs,
  LocalSearchHit,
  LocalSearchResult,
  LocalSearchToolOptions,
} from './local-search/local-search-tool.js';
export { localSearchTool } from './local-search/local-search-tool.js';
export type {
  BuiltinToolErrorCode,
  BuiltinToolErrorOptions,
} from './shared/builtin-tool-error.js';
export { BuiltinToolError } from './shared/builtin-tool-error.js';
export type { BuiltinToolOptions } from './shared/factory-options.js';
export type { FetchLike } from './shared/fetch-json.js';
export type { WeatherArgs, WeatherReport, WeatherToolOptions } from './weather/weather-tool.js';
export { weatherTool } from './weather/weather-tool.js';
export type { BraveSearchBackendOptions } from './web-search/brave-search-backend.js';
export { braveSearchBackend } from './web-search/brave-search-backend.js';
export type { SearxngBackendOptions } from './web-search/searxng-backend.js';
export { searxngBackend } from './web-search/searxng-backend.js';
export type {
  WebSearchBackend,
  WebSearchRequest,
  WebSearchResult,
} from './web-search/web-search-backend.js';
export type {
  WebSearchArgs,
  WebSearchOutput,
  WebSearchToolOptions,
} from './web-search/web-search-tool.js';
export { webSearchTool } from './web-search/web-search-tool.js';
