/**
 * Ends the process quietly when stdout is closed by its reader (`pnpm demo | head`), instead
 * of Node's unhandled `EPIPE` error and stack trace. Other stdout errors are rethrown.
 */
export function exitQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}
