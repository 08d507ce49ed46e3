// The child process of the peers benchmark (`peers.ts`): the same agent, written once with each
// framework, against the test server whose URL the parent gives. Plain JavaScript on the built
// packages, so the child loads what a user's program loads and nothing more (no tsx).
//
//   node bench/peers-child.mjs import <framework>
//   node bench/peers-child.mjs cold <framework> <baseURL>
//   node bench/peers-child.mjs loops <baseURL> <runs> <warmup> [framework,framework]
//   node bench/peers-child.mjs memory <framework> <baseURL> <runs>   (with --expose-gc)
//
// A run is the loop-overhead workload: 5 turns of 3 parallel `lookup` calls, then the answer
// (6 model calls). Each mode prints one JSON line.

const FRAMEWORKS = ['raw', 'agentloop', 'ai-sdk', 'openai-agents'];
const PROMPT = 'Look the keys up.';
const TURNS = 6;

function lookupValue(key) {
  return { key, value: key.length * 7, unit: 'm' };
}

/**
 * Imports a framework's modules and returns a maker of `{ generate, stream }` for a base URL.
 * Retries are off (none is needed against the local server) except in the memory mode, where
 * 1,000 connections at once can meet a keep-alive socket the server has just closed.
 */
async function load(framework, retries = 0) {
  const { z } = await import('zod');
  if (framework === 'raw') {
    const { default: OpenAI } = await import('openai');
    return (baseURL) =>
      rawLoops(new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: retries }), z);
  }
  if (framework === 'agentloop') {
    const { Agent, openai } = await import('@agentloop/core');
    const { tool } = await import('@agentloop/tools');
    const lookup = tool({
      name: 'lookup',
      description: 'Looks a key up',
      parameters: z.object({ key: z.string() }),
      execute: async ({ key }) => lookupValue(key),
    });
    return (baseURL) => {
      const agent = new Agent({
        name: 'peers',
        model: openai('gpt-4o-mini', { apiKey: 'test-key', baseURL }),
        tools: [lookup],
      });
      return {
        generate: async () => (await agent.run(PROMPT)).turns,
        stream: async () => {
          let turns = 0;
          for await (const event of agent.stream(PROMPT)) if (event.type === 'turn:end') turns++;
          return turns;
        },
      };
    };
  }
  if (framework === 'ai-sdk') {
    const { generateText, streamText, tool, stepCountIs } = await import('ai');
    const { createOpenAI } = await import('@ai-sdk/openai');
    const tools = {
      lookup: tool({
        description: 'Looks a key up',
        inputSchema: z.object({ key: z.string() }),
        execute: async ({ key }) => lookupValue(key),
      }),
    };
    return (baseURL) => {
      // `.chat` is the Chat Completions API, as the other three use.
      const model = createOpenAI({ apiKey: 'test-key', baseURL }).chat('gpt-4o-mini');
      const options = {
        model,
        tools,
        prompt: PROMPT,
        stopWhen: stepCountIs(10),
        maxRetries: retries,
      };
      return {
        generate: async () => (await generateText(options)).steps.length,
        stream: async () => {
          const result = streamText(options);
          let turns = 0;
          for await (const part of result.fullStream) if (part.type === 'finish-step') turns++;
          return turns;
        },
      };
    };
  }
  if (framework === 'openai-agents') {
    const agents = await import('@openai/agents');
    const { default: OpenAI } = await import('openai');
    // Tracing off: by default the SDK exports traces to OpenAI's servers.
    agents.setTracingDisabled(true);
    const lookup = agents.tool({
      name: 'lookup',
      description: 'Looks a key up',
      parameters: z.object({ key: z.string() }),
      execute: async ({ key }) => lookupValue(key),
    });
    return (baseURL) => {
      const client = new OpenAI({ apiKey: 'test-key', baseURL, maxRetries: retries });
      const agent = new agents.Agent({
        name: 'peers',
        model: new agents.OpenAIChatCompletionsModel(client, 'gpt-4o-mini'),
        tools: [lookup],
      });
      const turnsOf = (result) =>
        result.newItems.filter((item) => item.type === 'tool_call_item').length / 3 + 1;
      return {
        generate: async () => turnsOf(await agents.run(agent, PROMPT, { maxTurns: 10 })),
        stream: async () => {
          const result = await agents.run(agent, PROMPT, { maxTurns: 10, stream: true });
          for await (const _event of result) {
            // Every event is read, as a UI would.
          }
          await result.completed;
          return turnsOf(result);
        },
      };
    };
  }
  throw new Error(`unknown framework ${framework}; one of ${FRAMEWORKS.join(', ')}`);
}

/** The floor: the raw client driven by hand, streamed deltas (tool calls too) accumulated by hand. */
function rawLoops(client, z) {
  const tools = [
    {
      type: 'function',
      function: {
        name: 'lookup',
        description: 'Looks a key up',
        parameters: z.toJSONSchema(z.object({ key: z.string() })),
      },
    },
  ];
  const answer = (calls, messages) =>
    Promise.all(
      calls.map(async (call) =>
        JSON.stringify(lookupValue(JSON.parse(call.function.arguments).key)),
      ),
    ).then((results) => {
      calls.forEach((call, i) => {
        messages.push({ role: 'tool', tool_call_id: call.id, content: results[i] });
      });
    });
  return {
    generate: async () => {
      const messages = [{ role: 'user', content: PROMPT }];
      for (let turn = 1; ; turn++) {
        const completion = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages,
          tools,
        });
        const message = completion.choices[0].message;
        const calls = message.tool_calls ?? [];
        messages.push({
          role: 'assistant',
          content: message.content,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        });
        if (calls.length === 0) return turn;
        await answer(calls, messages);
      }
    },
    stream: async () => {
      const messages = [{ role: 'user', content: PROMPT }];
      for (let turn = 1; ; turn++) {
        const stream = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages,
          tools,
          stream: true,
        });
        let content = '';
        const calls = [];
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta;
          if (!delta) continue;
          if (delta.content) content += delta.content;
          for (const part of delta.tool_calls ?? []) {
            if (!calls[part.index]) {
              calls[part.index] = {
                id: '',
                type: 'function',
                function: { name: '', arguments: '' },
              };
            }
            const call = calls[part.index];
            if (part.id) call.id = part.id;
            if (part.function?.name) call.function.name += part.function.name;
            if (part.function?.arguments) call.function.arguments += part.function.arguments;
          }
        }
        messages.push({
          role: 'assistant',
          content: calls.length > 0 && content === '' ? null : content,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        });
        if (calls.length === 0) return turn;
        await answer(calls, messages);
      }
    },
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function expectTurns(framework, turns) {
  if (turns !== TURNS) throw new Error(`${framework} made ${turns} turns, not ${TURNS}`);
}

const [mode, ...args] = process.argv.slice(2);
const started = performance.now();

/** This process's CPU time (user + system) since it started, in ms. */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

if (mode === 'import') {
  await load(args[0]);
  console.log(JSON.stringify({ importMs: performance.now() - started, cpuMs: cpuMs() }));
} else if (mode === 'cold') {
  const [framework, baseURL] = args;
  const loops = (await load(framework))(baseURL);
  const imported = performance.now();
  expectTurns(framework, await loops.generate());
  console.log(
    JSON.stringify({
      importMs: imported - started,
      runMs: performance.now() - imported,
      cpuMs: cpuMs(),
    }),
  );
} else if (mode === 'loops') {
  const [baseURL, runsText, warmupText, only] = args;
  const runs = Number(runsText);
  const warmup = Number(warmupText);
  const cases = [];
  for (const framework of only ? only.split(',') : FRAMEWORKS) {
    const loops = (await load(framework))(baseURL);
    for (const kind of ['generate', 'stream'])
      cases.push({ name: `${framework}:${kind}`, framework, run: loops[kind] });
  }
  for (let i = 0; i < warmup; i++) for (const c of cases) expectTurns(c.name, await c.run());
  const times = Object.fromEntries(cases.map((c) => [c.name, []]));
  // CPU time of this process per run as well: the server is another process, so this is the
  // framework's own work, and it moves less than wall time on a busy machine.
  const cpu = Object.fromEntries(cases.map((c) => [`${c.name}:cpu`, []]));
  for (let i = 0; i < runs; i++) {
    // Rotate who goes first, so none always meets a warmer connection pool or a collector.
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(i + k) % cases.length];
      const t = performance.now();
      const used = process.cpuUsage();
      expectTurns(c.name, await c.run());
      const spent = process.cpuUsage(used);
      times[c.name].push(performance.now() - t);
      cpu[`${c.name}:cpu`].push((spent.user + spent.system) / 1000);
    }
  }
  const medians = Object.entries({ ...times, ...cpu }).map(([k, v]) => [k, median(v)]);
  console.log(JSON.stringify(Object.fromEntries(medians)));
} else if (mode === 'memory') {
  const [framework, baseURL, countText] = args;
  const count = Number(countText);
  const loops = (await load(framework, 6))(baseURL);
  expectTurns(framework, await loops.generate());
  globalThis.gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = 0;
  // The server holds each reply a while, so all runs are in flight at once; sampling after a
  // full collection counts what the runs keep alive, not garbage.
  const sampler = setInterval(() => {
    globalThis.gc();
    peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
  }, 25);
  const turns = await Promise.all(Array.from({ length: count }, () => loops.generate()));
  clearInterval(sampler);
  for (const t of turns) expectTurns(framework, t);
  console.log(JSON.stringify({ peakHeapPerRunBytes: peak / count }));
} else {
  throw new Error(`unknown mode ${mode}`);
}
