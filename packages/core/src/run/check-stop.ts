import type { OutputSchema } from '../agent/agent-options.js';
import { OutputValidationError, type OutputValidationIssue } from '../errors/errors.js';
import { contentText } from '../models/content-text.js';
import { raceAbort } from './abort.js';
import type { ActiveRun } from './active-run.js';
import { buildResult } from './run-outcome.js';
import type { RunResult, ToolCallRecord } from './run-result.js';
import { isStopAtTool, type StopCondition, type StopView } from './stop-when.js';
import { checkOutput } from './structured-output.js';

/**
 * After a turn that did not end the run: asks the stop conditions in order, and returns the
 * result the run ends with when one holds (`finishReason: 'stop_when'`), else `undefined`.
 * Predicates are awaited against the run's signal; one that throws fails the run.
 *
 * @throws OutputValidationError with an `output` schema, when the answer does not fit it.
 */
export async function checkStop<TContext>(
  state: ActiveRun<TContext>,
  conditions: readonly StopCondition<TContext>[],
  output: OutputSchema | undefined,
): Promise<RunResult<unknown> | undefined> {
  if (conditions.length === 0 || state.turn === 0) return undefined;
  let view: StopView<TContext> | undefined;
  for (const condition of conditions) {
    if (isStopAtTool(condition)) {
      const record = state.toolCalls.find(
        (r) => r.turn === state.turn && r.name === condition.toolName && r.outcome.ok,
      );
      if (record) return stopAtRecord(state, record, output);
    } else {
      view ??= {
        runId: state.runId,
        agent: state.activeAgent,
        context: state.context,
        turn: state.turn,
        messages: state.messages,
        toolCalls: state.toolCalls,
        usage: state.usage,
        text: lastAssistantText(state),
      };
      if (await raceAbort(Promise.resolve(condition(view)), state.signal)) {
        return stopWithText(state, view.text, output);
      }
    }
  }
  return undefined;
}

/** The run ends with a tool call's result as its answer. */
async function stopAtRecord<TContext>(
  state: ActiveRun<TContext>,
  record: ToolCallRecord,
  output: OutputSchema | undefined,
): Promise<RunResult<unknown>> {
  const { outcome } = record;
  state.text = outcome.output;
  if (!output) return stopped(state, state.text);
  const value = outcome.value;
  const checked =
    typeof value === 'string' ? await checkOutput(output, value) : await validate(output, value);
  if (checked.ok) return stopped(state, checked.value);
  throw new OutputValidationError({
    text: outcome.output,
    issues: checked.issues,
    attempts: 1,
    message: `The call to "${record.name}" ended the run (stopWhen: stopAtTool), but its result does not match the output schema (${describeIssues(checked.issues)}). Make the tool return a value of the schema's shape, or drop the output schema; the tool's output is on error.text.`,
  });
}

/** The run ends with the turn's text as its answer (a predicate held). */
async function stopWithText<TContext>(
  state: ActiveRun<TContext>,
  text: string,
  output: OutputSchema | undefined,
): Promise<RunResult<unknown>> {
  state.text = text;
  if (!output) return stopped(state, text);
  const checked = await checkOutput(output, text);
  if (checked.ok) return stopped(state, checked.value);
  throw new OutputValidationError({
    text,
    issues: checked.issues,
    attempts: 1,
    message: `A stopWhen condition ended the run after turn ${state.turn}, before the model gave a structured answer: the turn's text does not match the output schema (${describeIssues(checked.issues)}). With an output schema, stop with stopAtTool on a tool whose result fits the schema, or let the model answer.`,
  });
}

function stopped<TContext>(state: ActiveRun<TContext>, output: unknown): RunResult<unknown> {
  state.status = 'completed';
  return { ...buildResult(state, output), finishReason: 'stop_when' };
}

/** Validates a tool's value (not model text: no JSON parsing, no strict-mode nulls to undo). */
async function validate(
  schema: OutputSchema,
  value: unknown,
): Promise<{ ok: true; value: unknown } | { ok: false; issues: OutputValidationIssue[] }> {
  const validated = await schema['~standard'].validate(value);
  if (!validated.issues) return { ok: true, value: validated.value };
  return {
    ok: false,
    issues: validated.issues.map((issue) => ({
      path: (issue.path ?? []).map((p) => (typeof p === 'object' ? p.key : p)),
      message: issue.message,
    })),
  };
}

function describeIssues(issues: readonly OutputValidationIssue[]): string {
  return (
    issues
      .slice(0, 5)
      .map((i) => `${i.path.length > 0 ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
      .join('; ') || 'it is not valid JSON'
  );
}

/** The text of the last assistant message: what the model wrote in the turn that just ended. */
function lastAssistantText<TContext>(state: ActiveRun<TContext>): string {
  for (let i = state.messages.length - 1; i >= 0; i -= 1) {
    const message = state.messages[i];
    if (message?.role === 'assistant') return contentText(message.content) ?? '';
  }
  return '';
}
