import {
  exitQuietlyWhenStdoutCloses,
  formatUsage,
  readCli,
  selectModel,
  ToolProgress,
} from '@agentloop-examples/shared';
import { createApproval } from './approval.js';
import { formatUsd, Inventory, type Order, type Product } from './inventory.js';
import { createOrderAgent } from './order-agent.js';
import { orderResponder } from './order-responder.js';
import { TerminalPrompt } from './terminal-prompt.js';

exitQuietlyWhenStdoutCloses();
const DEFAULT_REQUEST = 'Order 3 USB-C docks and 40 4K monitors for ACME.';
const cli = readCli({
  command: 'npx -y pnpm@10 --filter @agentloop-examples/custom-agent start',
  positionals: 'order request',
  summary: `Places orders with your own tools, asks you to approve each one (on a terminal), and returns a typed summary.\nDefault request: "${DEFAULT_REQUEST}"`,
});
const request = cli.text || DEFAULT_REQUEST;
const interactive = process.stdin.isTTY === true;
const { model, offline, notice } = selectModel({ offline: orderResponder });
console.log(notice);
console.log(
  interactive
    ? '  approval: you are asked before each order'
    : '  approval: stdin is not a terminal, so orders up to $1,000 are approved and larger ones denied',
);

const inventory = new Inventory();
const terminal = interactive ? new TerminalPrompt() : undefined;
const print = (text: string) => (terminal ? terminal.print(text) : process.stdout.write(text));
const progress = new ToolProgress({
  write: print,
  describe: (outcome) =>
    outcome.name === 'find_products'
      ? (outcome.value as { products: Product[] }).products
          .map((p) => `${p.sku} ${formatUsd(p.priceUsd)}, ${p.stock} in stock`)
          .join('; ') || 'no match'
      : outcome.name === 'place_order'
        ? `${(outcome.value as Order).orderId} placed`
        : undefined,
});
const beforeTool = createApproval({
  inventory,
  limitUsd: 1000,
  ...(terminal ? { ask: (question: string) => terminal.ask(question) } : {}),
  onDecision: ({ order, approved, by, reason }) =>
    print(`  ${approved ? '☑ approved' : '☒ denied'} by ${by}: ${order}: ${reason}\n`),
});
const agent = createOrderAgent({ model, inventory, beforeTool });

console.log(`\n? ${request}`);
try {
  const result = await agent.run(request, { hooks: { onEvent: (e) => progress.handle(e) } });
  // result.output is an OrderSummary: typed from the zod schema, validated at run time.
  const { status, orders, refused, message } = result.output;
  console.log(`\nresult.output (OrderSummary) — status: ${status}`);
  for (const o of orders) {
    console.log(
      `  ordered  ${o.orderId}  ${o.quantity} × ${o.product} (${o.sku})  ${formatUsd(o.totalUsd)}`,
    );
  }
  for (const r of refused) console.log(`  refused  ${r.item}: ${r.reason}`);
  console.log(`  message  ${message}`);
  console.log(
    `\n${formatUsage(result.usage, result.turns)}${offline ? ' (offline: counted with tiktoken)' : ''}`,
  );
} catch (error) {
  console.error(`The run failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  terminal?.close();
}
