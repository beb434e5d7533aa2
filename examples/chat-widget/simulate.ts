// The chat Q&A service's simulated traffic against a running Wavegate: see README.md.
//   npx tsx --conditions wavegate-source examples/chat-widget/simulate.ts --setup --scale 0.01 [--faulty]
import { fileURLToPath } from 'node:url';
import { runExampleScript } from 'wavegate/simulator';
import { chatService } from './service.js';

const stop = new AbortController();
process.once('SIGINT', () => stop.abort());
process.exitCode = await runExampleScript({
  configFile: fileURLToPath(new URL('./wavegate.yaml', import.meta.url)),
  services: ({ faulty }) => [chatService({ faulty })],
  argv: process.argv.slice(2),
  env: process.env,
  write: (text) => process.stdout.write(text),
  signal: stop.signal,
});
