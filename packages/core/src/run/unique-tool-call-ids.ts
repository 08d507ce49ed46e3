import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ModelToolCall } from '../models/model.js';

/** The most characters of an id that are redrawn to make it unique. */
const REDRAWN = 9;
const ATTEMPTS = 32;
const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function alphabetOf(char: string): string | undefined {
  if (DIGITS.includes(char)) return DIGITS;
  if (LOWER.includes(char)) return LOWER;
  if (UPPER.includes(char)) return UPPER;
  return undefined;
}

/**
 * A new id of the same shape as `id`: the last letters and digits (up to {@link REDRAWN}) are
 * redrawn, each in its own class, so a server that checks ids (Mistral wants 9 letters or
 * digits; Kimi numbers them `functions.name:3`) still accepts it. An id too short to give a
 * fresh one gets a numbered suffix.
 */
function freshId(id: string, used: ReadonlySet<string>): string {
  const chars = Array.from(id);
  const redrawn: number[] = [];
  for (let i = chars.length - 1; i >= 0 && redrawn.length < REDRAWN; i--) {
    if (alphabetOf(chars[i] as string) === undefined) break;
    redrawn.push(i);
  }
  for (let attempt = 0; redrawn.length > 0 && attempt < ATTEMPTS; attempt++) {
    const next = [...chars];
    for (const i of redrawn) {
      const alphabet = alphabetOf(chars[i] as string) as string;
      next[i] = alphabet[randomIndex(alphabet.length)] as string;
    }
    const candidate = next.join('');
    if (!used.has(candidate)) return candidate;
  }
  let n = 2;
  while (used.has(`${id}_${n}`)) n++;
  return `${id}_${n}`;
}

/**
 * The calls of a reply with ids unique within the reply and the conversation so far. Some
 * models repeat an id within one reply, or reuse one of an earlier turn; the results would then
 * answer one id twice, which the API refuses (400), and a stored session would stay broken. The
 * first call with an id keeps it; a repeat gets a new id of the same shape, as a call without an
 * id gets one. Calls are returned unchanged (the same array) when nothing repeats.
 *
 * @param calls - The tool calls of a reply.
 * @param conversation - The messages before the reply.
 * @returns The calls to run and echo.
 */
export function withUniqueToolCallIds(
  calls: readonly ModelToolCall[],
  conversation: readonly ChatCompletionMessageParam[],
): readonly ModelToolCall[] {
  if (calls.length === 0) return calls;
  const used = new Set<string>();
  for (const message of conversation) {
    if (message.role !== 'assistant' || !message.tool_calls) continue;
    for (const call of message.tool_calls) used.add(call.id);
  }
  let renamed = false;
  const unique = calls.map((call) => {
    if (!used.has(call.id)) {
      used.add(call.id);
      return call;
    }
    renamed = true;
    const id = freshId(call.id, used);
    used.add(id);
    return { ...call, id };
  });
  return renamed ? unique : calls;
}

/** A random whole number below `n`, from Web Crypto (core runs on any web-standard runtime). */
function randomIndex(n: number): number {
  return (crypto.getRandomValues(new Uint32Array(1))[0] as number) % n;
}
