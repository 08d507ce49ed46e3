/**
 * The `agentloop-inspect` command: runs {@link main} and stays up until Ctrl-C.
 *
 * @module
 */
import { main } from './cli.js';

const started = await main(process.argv.slice(2));
if (typeof started === 'number') {
  process.exitCode = started;
} else {
  const stop = () => {
    void started.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
