/**
 * A child process for the FileStore concurrency tests: appends big batches to one session.
 *
 * Usage: `node --conditions=source --import tsx file-store-writer.ts <dir> <session> <writer>
 * <batches> <messagesPerBatch> <charsPerMessage>`. It prints `ready`, waits for a line on stdin
 * (so that every writer starts together), appends its batches one after another and prints
 * `ack <n>` after each acknowledged batch.
 *
 * @module
 */

import { createInterface } from 'node:readline';
import { FileStore } from '@agentloop/memory/node';
import { batchOf } from './file-store-batches.js';

const [dir, sessionId, writer, batches, perBatch, chars] = process.argv.slice(2);
if (!dir || !sessionId || !writer || !batches || !perBatch || !chars) {
  throw new Error(
    'expected: <dir> <session> <writer> <batches> <messagesPerBatch> <charsPerMessage>',
  );
}

const store = new FileStore({
  dir,
  onCorruptLine: (corrupt) => {
    throw new Error(`writer ${writer} read a corrupt line: ${JSON.stringify(corrupt)}`);
  },
});
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
await new Promise<void>((resolve) => lines.once('line', () => resolve()));
lines.close();
for (let batch = 0; batch < Number(batches); batch++) {
  await store.append(sessionId, batchOf(writer, batch, Number(perBatch), Number(chars)));
  process.stdout.write(`ack ${batch}\n`);
}
