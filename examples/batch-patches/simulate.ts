// The batch-patch service's simulated traffic against a running Wavegate: see README.md.
//   npx tsx --conditions wavegate-source examples/batch-patches/simulate.ts --setup --scale 0.001 [--faulty]
import { fileURLToPath } from 'node:url';
import { runExampleScript } from 'wavegate/simulator';
import { batchPatchService } from './service.js';

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.exitCode = await runExampleScript({
  configFile: fileURLToPath(new URL('./wavegate.yaml', import.meta.url)),
  services: ({ faulty }) => [batchPatchService({ faulty })],
  argv: process.argv.slice(2),
  env: process.env,
  write: (text) => process.stdout.write(text),
  signal: stop.signal,
});
