#!/usr/bin/env node
// `agentloop-inspect <file|dir> [--port N]`: the compiled command line in dist/. In a clone of the
// repository, run `npx -y pnpm@10 build` first, or `npx -y pnpm@10 inspect <file>` on the sources.
import '../dist/bin.js';
