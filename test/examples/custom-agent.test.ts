/**
 * The custom agent run as a user runs it, offline and non-interactive: its own tools, the
 * approval rule of its `beforeTool` hook (a denial the model sees and reports), tool errors it
 * reports, and the typed structured output. Then once on a "real" model: the real `openai`
 * client against the local test server, which refuses what the API refuses.
 */
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../support/index.js';
import { offlineEnv, spawnExample } from './spawn-example.js';

describe('custom-agent, offline and non-interactive', () => {
  it('approves the small order, denies the large one, and reports both in the structured output', async () => {
    const run = await spawnExample('examples/custom-agent/src/main.ts');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/stdin is not a terminal/);
    expect(run.stdout).toMatch(/☑ approved by rule: 3 × USB-C dock \(\$447\.00\)/);
    expect(run.stdout).toMatch(/☒ denied by rule: 40 × 27" 4K monitor \(\$11,960\.00\)/);
    // The denied order never starts (no `→` line); its end says it was denied.
    expect(run.stdout.match(/→ place_order/g)).toHaveLength(1);
    expect(run.stdout).toMatch(/⊘ place_order denied: orders over \$1,000\.00 need a manager's/);
    // The denial reached the model: its structured answer names the reason.
    expect(run.stdout).toMatch(/status: partly_placed/);
    expect(run.stdout).toMatch(/ordered {2}ORD-1001 {2}3 × USB-C dock \(DOCK-USBC\) {2}\$447\.00/);
    expect(run.stdout).toMatch(
      /refused {2}40 × 27" 4K monitor: orders over \$1,000\.00 need a manager's sign-off/,
    );
  });

  it('reports what the tools refused: too little stock, none in stock', async () => {
    const run = await spawnExample('examples/custom-agent/src/main.ts', [
      'Order 2 wireless mice, 10 mechanical keyboards and 5 HD webcams',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ordered {2}ORD-\d+ {2}2 × Wireless mouse \(MOUSE-WL\) {2}\$58\.00/);
    expect(run.stdout).toMatch(/refused {2}10 × Mechanical keyboard: only 8 Mechanical keyboard/);
    expect(run.stdout).toMatch(/refused {2}5 × HD webcam: HD webcam \(CAM-HD\) is out of stock/);
    expect(run.stdout).toMatch(/status: partly_placed/);
  });
});

describe('custom-agent on an OpenAI-compatible server (OPENAI_BASE_URL)', () => {
  it('sends tools and a strict json_schema the API accepts, and prints the typed output', async () => {
    const server = await startTestServer({ apiKey: 'test-key' });
    try {
      server.reply(
        {
          toolCalls: [
            { name: 'find_products', arguments: { query: 'usb-c dock' } },
            { name: 'find_products', arguments: { query: '4k monitor' } },
          ],
        },
        {
          toolCalls: [
            { name: 'place_order', arguments: { sku: 'DOCK-USBC', quantity: 3 } },
            { name: 'place_order', arguments: { sku: 'MON-27-4K', quantity: 40 } },
          ],
        },
        {
          content: JSON.stringify({
            status: 'partly_placed',
            orders: [
              {
                orderId: 'ORD-1001',
                sku: 'DOCK-USBC',
                product: 'USB-C dock',
                quantity: 3,
                totalUsd: 447,
              },
            ],
            refused: [{ item: '40 4K monitors', reason: 'over the approval limit' }],
            message: 'Docks ordered; monitors need a manager.',
          }),
        },
      );
      const run = await spawnExample(
        'examples/custom-agent/src/main.ts',
        [],
        offlineEnv({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key' }),
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^model: gpt-4o-mini at http/m);
      expect(server.requests).toHaveLength(3);
      expect(server.requests.every((r) => r.rejected === undefined)).toBe(true);
      expect(server.requests[0]?.body.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { strict: true },
      });
      // The denial reached the model as the tool result of the monitors' call.
      const toolMessages = server.requests[2]?.body.messages.filter((m) => m.role === 'tool') ?? [];
      expect(toolMessages.map((m) => m.content).join('\n')).toMatch(
        /denied: orders over \$1,000\.00 need a manager's sign-off/,
      );
      expect(run.stdout).toMatch(
        /ordered {2}ORD-1001 {2}3 × USB-C dock \(DOCK-USBC\) {2}\$447\.00/,
      );
      expect(run.stdout).toMatch(/refused {2}40 4K monitors: over the approval limit/);
    } finally {
      await server.close();
    }
  });
});
