// A floor for the server benchmark, not a product: bare node:http answering the same three kinds of request
// with no framework, auth, database or evaluation — a 304 on a matching ETag, a fixed JSON body the size of
// Wavegate's 200-flag snapshot, and a parsed-and-answered small POST. It shows what this machine, with the load
// generator beside it, can serve at all.
import { createServer } from 'node:http';

const bodySize = Number(process.env.BENCH_BARE_BODY_BYTES ?? 60_000);
const flags = {};
for (let i = 0; Buffer.byteLength(JSON.stringify(flags)) < bodySize; i++) flags[`flag-${i}`] = { enabled: true, i };
const full = Buffer.from(JSON.stringify({ version: 1, flags }));

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    let text = '';
    req.on('data', (d) => {
      text += d;
    });
    req.on('end', () => {
      const { context } = JSON.parse(text);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ key: 'bench-flag-000', value: context.country === 'VN', reason: 'STATIC' }));
    });
    return;
  }
  if (req.headers['if-none-match'] === '"1"') {
    res.writeHead(304, { etag: '"1"' });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', etag: '"1"' });
  res.end(full);
});
server.listen(Number(process.env.BENCH_BARE_PORT), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ ready: true, bytes: full.length })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
