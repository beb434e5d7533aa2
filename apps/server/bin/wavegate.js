#!/usr/bin/env node
// The `wavegate` command. The CLI is built to dist/ by `npm run build` (run by `npm install` at the root).
import { processIo } from '../dist/cli/env.js';
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
// Exit even if a library left a handle open; the timer does not keep a finished process alive.
setTimeout(() => process.exit(code), 2000).unref();
