// The web front's simulated traffic against a running Wavegate: see README.md.
//   npx tsx --conditions wavegate-source examples/client-migration/simulate.ts --setup --scale 0.02 [--faulty]
import { fileURLToPath } from 'node:url';
import { runExampleScript } from 'wavegate/simulator';
import { clientAppService } from './service.js';

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.exitCode = await runExampleScript({
  configFile: fileURLToPath(new URL('./wavegate.yaml', import.meta.url)),
  services: ({ faulty }) => [clientAppService({ faulty })],
  argv: process.argv.slice(2),
  env: process.env,
  write: (text) => process.stdout.write(text),
  signal: stop.signal,
});
