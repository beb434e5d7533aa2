import { AdminApi } from 'wavegate/simulator';
import { PromService, type PromServiceSpec } from './prom-service.js';

/**
 * The command-line side of a simulated service judged through Prometheus (`simulate.ts` of kv-service and
 * order-management): creates a client token for the environment with the admin token, serves `/metrics` on
 * 127.0.0.1:<port> for a Prometheus to scrape, and sends traffic through the Node SDK until Ctrl-C.
 */
export async function runPromService(
  spec: (options: { faulty: boolean }) => PromServiceSpec,
  project: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const url = arg('url') ?? env['WAVEGATE_URL'] ?? 'http://127.0.0.1:4242';
  const token = arg('token') ?? env['WAVEGATE_TOKEN'];
  const environment = arg('environment') ?? 'production';
  const port = Number(arg('port') ?? 9101);
  const rate = Number(arg('rate') ?? 500);
  if (token === undefined || !(rate > 0) || !(port >= 0)) {
    process.stderr.write(
      'usage: simulate.ts --token <admin token> [--url URL] [--environment ENV] [--port 9101] [--rate 500] [--faulty]\n',
    );
    return 2;
  }
  const clientToken = await new AdminApi(url, token).clientToken(project, environment);
  const service = new PromService(spec({ faulty: argv.includes('--faulty') }), {
    ratePerSecond: rate,
    labels: { environment },
  });
  const target = await service.listen(port);
  await service.start(url, clientToken);
  process.stdout.write(`sending ${rate} req/s to ${project}/${environment}; metrics on http://${target}/metrics\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await service.stop();
  process.stdout.write(`${JSON.stringify(service.counts())}\n`);
  return 0;
}
