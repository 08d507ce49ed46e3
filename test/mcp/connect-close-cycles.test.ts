/**
 * Connecting and closing a stdio server again and again leaves nothing behind: no child
 * process, no open file descriptor. The short form runs here; `bench/mcp-cycles.ts` runs the
 * long one (1,000 cycles).
 */
import { connectMcpServer } from '@agentloop/mcp';
import { expect, it } from 'vitest';
import { connectCloseCycles, FIXTURE_SERVER } from '../../bench/mcp-cycles.js';

it('10 connect/close cycles leave 0 child processes and no new file descriptors', async () => {
  const report = await connectCloseCycles({
    cycles: 10,
    connect: () =>
      connectMcpServer({
        name: 'fixture',
        command: process.execPath,
        args: [FIXTURE_SERVER],
        stderr: 'ignore',
      }),
  });
  expect(report.survivors).toEqual([]);
  expect(report.leftoverChildren).toEqual([]);
  expect(report.newFds).toEqual([]);
  expect(report.fdsAfter).toBeLessThanOrEqual(report.fdsBefore);
}, 120_000);
