/**
 * The size of tool definitions, by the OpenAI cookbook's `num_tokens_for_tools`.
 *
 * @module
 * @internal
 */

import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Encoding } from './encoding-for-model.js';

/** The cookbook's constants for tool definitions. */
export interface ToolTokenConstants {
  /** Start of each function. */
  funcInit: number;
  /** Start of a function's properties. */
  propInit: number;
  /** Each property. */
  propKey: number;
  /** A property with an `enum` list. */
  enumInit: number;
  /** Each enum item. */
  enumItem: number;
  /** End of the tool list (once). */
  funcEnd: number;
}

/**
 * The cookbook's constants: gpt-4o and gpt-4o-mini (`o200k_base`) start a function with 7
 * tokens, gpt-4 and gpt-3.5-turbo (`cl100k_base`) with 10; the rest is shared.
 *
 * @param encoding - The encoding of the model.
 * @returns The constants.
 */
export function toolTokenConstants(encoding: Encoding): ToolTokenConstants {
  return {
    funcInit: encoding === 'o200k_base' ? 7 : 10,
    propInit: 3,
    propKey: 3,
    enumInit: -3,
    enumItem: 3,
    funcEnd: 12,
  };
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutFinalDot(text: string): string {
  return text.endsWith('.') ? text.slice(0, -1) : text;
}

// Schema keys the cookbook's rule reads; anything else in a property (nested `properties`,
// `items`, `anyOf`, ...) is counted as its JSON text, which the cookbook does not cover.
const READ_KEYS = new Set(['type', 'description', 'enum']);

function countProperty(
  key: string,
  schema: unknown,
  constants: ToolTokenConstants,
  countText: (text: string) => number,
): number {
  const property = isObject(schema) ? schema : {};
  let tokens = constants.propKey;
  if (Array.isArray(property.enum)) {
    tokens += constants.enumInit;
    for (const item of property.enum) {
      tokens +=
        constants.enumItem + countText(typeof item === 'string' ? item : JSON.stringify(item));
    }
  }
  const type = Array.isArray(property.type)
    ? property.type.join(' | ')
    : typeof property.type === 'string'
      ? property.type
      : '';
  const description = typeof property.description === 'string' ? property.description : '';
  tokens += countText(`${key}:${type}:${withoutFinalDot(description)}`);
  const rest = Object.entries(property).filter(([name]) => !READ_KEYS.has(name));
  if (rest.length > 0) tokens += countText(JSON.stringify(Object.fromEntries(rest)));
  return tokens;
}

/**
 * The tokens of one tool definition, without the list's `funcEnd`.
 *
 * @param tool - The definition.
 * @param constants - From {@link toolTokenConstants}.
 * @param countText - Counts the tokens of a text.
 * @returns Its size in tokens.
 */
export function countOneTool(
  tool: ChatCompletionTool,
  constants: ToolTokenConstants,
  countText: (text: string) => number,
): number {
  if (tool.type === 'custom') {
    const { name, description, format } = tool.custom;
    return (
      constants.funcInit +
      countText(`${name}:${withoutFinalDot(description ?? '')}`) +
      (format ? countText(JSON.stringify(format)) : 0)
    );
  }
  const { name, description, parameters } = tool.function;
  let tokens = constants.funcInit + countText(`${name}:${withoutFinalDot(description ?? '')}`);
  const properties =
    isObject(parameters) && isObject(parameters.properties) ? parameters.properties : {};
  const keys = Object.keys(properties);
  if (keys.length > 0) {
    tokens += constants.propInit;
    for (const key of keys) tokens += countProperty(key, properties[key], constants, countText);
  }
  return tokens;
}
