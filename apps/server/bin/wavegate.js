#!/usr/bin/env -S node --max-semi-space-size=64
// The `wavegate` command. The CLI is built to dist/ by `npm run build` (run by `npm install` at the root).
// The shebang's V8 option is the server's tuning (docs/operations.md, "Memory and the young generation"): a 64 MiB
// young generation instead of Node's 16 MiB. `wavegate serve` allocates per request (parsed bodies, metric batches);
// with the small default, requests waiting for a commit survive scavenges and get copied. Measured with
// bench/metrics-ingest.mjs: ≈ 0.20 → 0.15 ms of server CPU per metrics batch. It only raises a ceiling: the young
// generation grows to it under load and stays small when idle. Run as `node bin/wavegate.js`, pass it yourself.
import { processIo } from '../dist/cli/env.js';
import { main } from '../dist/cli/main.js';

const code = await main(process.argv.slice(2), processIo());
process.exitCode = code;
// Exit even if a library left a handle open; the timer does not keep a finished process alive.
setTimeout(() => process.exit(code), 2000).unref();
