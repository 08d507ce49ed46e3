/**
 * The custom agent run as a user runs it, offline and non-interactive: its own tools, the
 * approval rule of its `beforeTool` hook (a denial the model sees and reports), tool errors it
 * reports, and the typed structured output.
 */
import { describe, expect, it } from 'vitest';
import { spawnExample } from './spawn-example.js';

describe('custom-agent, offline and non-interactive', () => {
  it('approves the small order, denies the large one, and reports both in the structured output', async () => {
    const run = await spawnExample('examples/custom-agent/src/main.ts');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/stdin is not a terminal/);
    expect(run.stdout).toMatch(/☑ approved by rule: 3 × USB-C dock \(\$447\.00\)/);
    expect(run.stdout).toMatch(/☒ denied by rule: 40 × 27" 4K monitor \(\$11,960\.00\)/);
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
