/**
 * The code every agentloop package gives a user's misconfiguration: an option that is missing,
 * or of the wrong type or value, thrown as early as the fault can be seen. The error names the
 * option at fault in its `option` field. One fault, one code: no package names this fault
 * otherwise (memory's `invalid_option`, the built-in tools' `invalid_options` and tools'
 * `invalid_tool_definition` were merged into it).
 *
 * Every other code belongs to the package whose errors carry it, beside the class that throws
 * it; `AgentErrorCode` in `@agentloop/core` is the union of them all.
 */
export type ConfigErrorCode = 'invalid_config';
