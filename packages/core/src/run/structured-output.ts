import { normalizeStrictNulls, toJSONSchema } from '@agentloop/tools';
import type { ChatCompletionUserMessageParam } from 'openai/resources/chat/completions';
import type { ResponseFormatJSONSchema } from 'openai/resources/shared';
import type { OutputSchema } from '../agent/agent-options.js';
import {
  ConfigurationError,
  OutputValidationError,
  type OutputValidationIssue,
} from '../errors/errors.js';
import type { FinishReason } from '../models/model.js';
import { toValidName } from './history-tool-calls.js';

/**
 * The strict `json_schema` response format for an output schema. The schema must be an object
 * schema that strict mode accepts (optional fields become required and nullable).
 *
 * @throws ConfigurationError when the schema cannot be sent as a strict response format.
 */
export function outputResponseFormat(
  schema: OutputSchema,
  agentName: string,
): ResponseFormatJSONSchema {
  let converted: ReturnType<typeof toJSONSchema>;
  try {
    converted = toJSONSchema(schema, { strict: true, toolName: 'output' });
  } catch (error) {
    throw new ConfigurationError(
      `Agent "${agentName}": "output" must be a zod object schema that strict structured outputs accept (${error instanceof Error ? error.message : String(error)}). Wrap a single value in z.object({ ... }).`,
      { option: 'output', cause: error },
    );
  }
  const name = toValidName(agentName, 'output');
  return {
    type: 'json_schema',
    json_schema: { name, schema: converted.schema, strict: true },
  };
}

/** The outcome of checking a final answer against the output schema. */
export type OutputCheck =
  | { ok: true; value: unknown }
  | {
      ok: false;
      issues: OutputValidationIssue[];
      error: (info: {
        repairs: number;
        finishReason: FinishReason | null;
      }) => OutputValidationError;
    };

/**
 * Parses a final answer as JSON and validates it against the output schema. The `null`s strict
 * mode sends for optional fields become absent before validation, so defaults apply.
 */
export async function checkOutput(schema: OutputSchema, text: string): Promise<OutputCheck> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failed(text, [{ path: [], message: `the reply is not valid JSON (${reason})` }]);
  }
  const validated = await schema['~standard'].validate(normalizeStrictNulls(schema, parsed));
  if (!validated.issues) return { ok: true, value: validated.value };
  return failed(
    text,
    validated.issues.map((issue) => ({
      path: (issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)),
      message: issue.message,
    })),
  );
}

/**
 * The error for a structured answer the model refused (`message.refusal`): asking again does not
 * change a refusal, so it is not repaired, and the refusal is quoted rather than reported as
 * invalid JSON.
 */
export function refusedOutputError(refusal: string, repairs: number): OutputValidationError {
  return new OutputValidationError({
    text: '',
    issues: [{ path: [], message: `the model refused: ${refusal}` }],
    attempts: repairs + 1,
    message: `The model refused to give the structured answer: "${refusal}". A refusal is not repaired by asking again; change the request or the instructions.`,
  });
}

/** The message that sends an invalid answer back to the model. */
export function repairMessage(
  issues: readonly OutputValidationIssue[],
): ChatCompletionUserMessageParam {
  const listed = issues
    .slice(0, 10)
    .map((i) => `- ${i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('\n');
  return {
    role: 'user',
    content: `Your reply does not match the required JSON schema:\n${listed}\nReply again with only the corrected JSON object.`,
  };
}

function failed(text: string, issues: OutputValidationIssue[]): OutputCheck {
  return {
    ok: false,
    issues,
    error: ({ repairs, finishReason }) =>
      new OutputValidationError({
        text,
        issues,
        attempts: repairs + 1,
        ...(finishReason === 'length' || finishReason === 'content_filter'
          ? {
              message: `The model's final answer was cut off (finish_reason "${finishReason}") and does not match the output schema, so it cannot be repaired by asking again. Raise max_completion_tokens or simplify the schema; the raw text is on error.text.`,
            }
          : {}),
      }),
  };
}
