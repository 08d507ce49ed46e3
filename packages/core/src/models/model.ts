import type {
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';

/**
 * What the loop asks a model for: the OpenAI chat-completions body without `model` and the
 * streaming switches, which the `Model` owns. Messages, tools and response formats are the
 * `openai` package's own types, so a `beforeModel` interceptor edits the real wire shape.
 */
export type ModelRequest = Omit<
  ChatCompletionCreateParamsBase,
  'model' | 'stream' | 'stream_options'
>;

/** Settings a user may pass through `Agent({ modelSettings })`: everything but the conversation. */
export type ModelSettings = Omit<
  ModelRequest,
  'messages' | 'tools' | 'tool_choice' | 'response_format' | 'functions' | 'function_call'
>;

/** Why the model stopped, as the chat-completions API reports it. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * Fields a provider puts on an assistant message or a tool call beyond the OpenAI shape, which it
 * may need back in the next request (DeepSeek's `reasoning_content`, Gemini's `extra_content`
 * holding a thought signature). They are kept as the provider sent them and echoed in the
 * conversation with the message or call they came on.
 */
export interface ProviderFields {
  [field: string]: unknown;
}

/**
 * A function tool call as the model sent it, with any provider fields of the call (Gemini 3's
 * `extra_content.google.thought_signature`), which go back with the call.
 */
export type ModelToolCall = ChatCompletionMessageFunctionToolCall & ProviderFields;

/**
 * The assistant message of a reply. Besides `content`, `refusal` and `tool_calls` it carries the
 * provider's own fields, which the loop echoes back with the message (a `beforeModel`
 * interceptor can remove one that a server refuses).
 */
export interface ModelMessage extends ProviderFields {
  role: 'assistant';
  /** The text (may be null). */
  content: string | null;
  refusal?: string | null;
  tool_calls?: ModelToolCall[];
  /**
   * The model's reasoning, as DeepSeek, xAI, Z.ai and vLLM name it (whole, or joined from the
   * streamed deltas). Never part of the text; DeepSeek in thinking mode requires it back.
   */
  reasoning_content?: string;
  /** The model's reasoning under the name Ollama, OpenRouter and Groq use. */
  reasoning?: string;
}

/** One complete reply of a model. */
export interface ModelResponse {
  /** The assistant message: `content` (may be null), `tool_calls`, `refusal`, provider fields. */
  message: ModelMessage;
  /** Why generation stopped; `null` when the provider did not say. */
  finishReason: FinishReason | null;
  /** Token usage as the provider reported it (`undefined` when it reported none). */
  usage?: CompletionUsage;
  /** The provider's response id, when it gave one. */
  id?: string;
  /** The model name the provider reported, when it gave one. */
  model?: string;
  /**
   * `true` when the reply came from a response cache (`cachedModel`) rather than the provider:
   * `usage` is what the original call reported, and nothing was spent on this one.
   */
  cached?: true;
}

/** Incremental pieces of a streamed reply. The last event of a successful stream is `response`. */
export type ModelStreamEvent =
  | { type: 'text-delta'; delta: string }
  | {
      type: 'tool-call-delta';
      /** The tool call's index in the reply (the API's `index`). */
      index: number;
      /** The call id: present from the call's first chunk on (the API sends it once; it is repeated). */
      id?: string;
      /** The tool name: present from the call's first chunk on. */
      name?: string;
      argumentsDelta: string;
    }
  | { type: 'response'; response: ModelResponse };

/**
 * What a model reports about a call while it makes it, through `ModelCallOptions.onEvent`; the
 * loop turns each into an event of the run (`model:cache`, `model:rate_limited`).
 */
export type ModelCallEvent =
  | {
      type: 'cache';
      /** `true` when the reply is served from the cache, `false` when the model is called. */
      hit: boolean;
      /** The request's cache key (a sha256 hex digest unless `cachedModel`'s `key` says). */
      key: string;
    }
  | {
      type: 'rate_limited';
      /** How long the request waits before it is sent, in ms (a wait may be followed by another). */
      waitMs: number;
      /** Which budget is short: requests, tokens, or the provider's `retry-after` pause. */
      limit: 'requests' | 'tokens' | 'retry_after';
    };

/** Per-call options the loop passes to a model. */
export interface ModelCallOptions {
  /**
   * Aborted when the run is cancelled, or when one of the run's `timeouts` fires; the model must
   * cancel its request.
   */
  signal?: AbortSignal;
  /**
   * Streamed calls: call it for every data-bearing chunk received from the provider, including
   * chunks that yield no event (the role chunk, reasoning text, usage), and never for SSE
   * comments or keep-alives. The loop's `timeouts.idleMs` counts it as progress; a model that
   * does not call it is timed by the events it yields.
   */
  onChunk?: () => void;
  /**
   * How long the loop waits for this call's first data (its `timeouts.firstByteMs`) before it
   * aborts `signal`. A model whose HTTP client has a request timeout of its own should not let
   * that one fire sooner (the `openai` client's default is 10 minutes).
   */
  timeoutMs?: number;
  /**
   * Called with what the model reports about the call (a cache hit or miss, a wait for the
   * rate limit). The loop emits each as an event; a rate-limit wait does not count against
   * `timeouts.firstByteMs`, whose clock starts again when the wait ends.
   */
  onEvent?: (event: ModelCallEvent) => void;
}

/**
 * A chat model. `openai(name)` implements it for any OpenAI-compatible endpoint;
 * `ScriptedModel` (from `@agentloop/core/testing`) replays scripted replies.
 *
 * Errors: a model throws `ModelError` (with `status`, `retryable`, `retryAfterMs`) so the loop
 * can decide whether to retry. Models do not retry by themselves.
 */
export interface Model {
  /** The model name, used for token counting, context windows and prices. */
  readonly name: string;
  /** One complete reply. */
  generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
  /** A streamed reply, ending with a `response` event that carries the whole reply. */
  stream(request: ModelRequest, options?: ModelCallOptions): AsyncIterable<ModelStreamEvent>;
}
