/**
 * @agentloop/otel: OpenTelemetry tracing for agentloop runs with the GenAI semantic conventions.
 * `otelMiddleware()` makes `invoke_agent`, `chat` and `execute_tool` spans; `ATTRIBUTES` names
 * every attribute they carry.
 *
 * @packageDocumentation
 */
export { ATTRIBUTES, GEN_AI_SEMCONV_VERSION } from './attributes.js';
export { type OtelMiddlewareOptions, otelMiddleware } from './otel-middleware.js';
