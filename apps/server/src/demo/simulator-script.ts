import { parseArgs } from 'node:util';
import { AdminApi } from './admin-api.js';
import { applyWithReleases, loadConfigFile, scaleDurations } from './release-config.js';
import { type ServiceSpec, SimulatedService } from './simulator.js';

/** What an example's `simulate.ts` gives: its config file and its service, healthy or faulty. */
export interface ExampleScript {
  /** Path of the example's `wavegate.yaml`. */
  configFile: string;
  /** The simulated service(s) of the example; `faulty` breaks the new variant. */
  services(options: { faulty: boolean }): ServiceSpec[];
  argv: string[];
  env: Readonly<Record<string, string | undefined>>;
  write(text: string): void;
  /** Stops the run (Ctrl-C). */
  signal?: AbortSignal;
}

const USAGE = `Options:
  --faulty           break the new variant (errors, latency) so its release is rolled back
  --rate <n>         requests per second of each service (default 200)
  --seconds <n>      stop after this long (default 600)
  --setup            first apply the example's wavegate.yaml (admin token in WAVEGATE_TOKEN), start its
                     releases and create a client token; without it, WAVEGATE_CLIENT_TOKEN is used
  --scale <f>        with --setup: multiply the file's bake times by f (e.g. 0.001: a day becomes 87 s)
Environment: WAVEGATE_URL (default http://127.0.0.1:4242), WAVEGATE_TOKEN, WAVEGATE_CLIENT_TOKEN.
`;

/**
 * The body of an example's `simulate.ts`: sends the example's simulated traffic to a running server (and with
 * `--setup` applies the example first). Resolves with an exit code.
 */
export async function runExampleScript(script: ExampleScript): Promise<number> {
  const { values } = parseArgs({
    args: script.argv,
    options: {
      faulty: { type: 'boolean' },
      rate: { type: 'string' },
      seconds: { type: 'string' },
      setup: { type: 'boolean' },
      scale: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    script.write(USAGE);
    return 0;
  }
  const url = script.env['WAVEGATE_URL'] ?? 'http://127.0.0.1:4242';
  const rate = Number(values.rate ?? 200);
  const seconds = Number(values.seconds ?? 600);
  const scale = Number(values.scale ?? 1);
  if (!(rate > 0 && seconds > 0 && scale > 0)) {
    script.write(`--rate, --seconds and --scale must be positive numbers\n${USAGE}`);
    return 64;
  }
  let token = script.env['WAVEGATE_CLIENT_TOKEN'];
  if (values.setup === true) {
    const admin = script.env['WAVEGATE_TOKEN'];
    if (admin === undefined) {
      script.write('--setup needs an admin token in WAVEGATE_TOKEN\n');
      return 64;
    }
    const api = new AdminApi(url, admin);
    const doc = scaleDurations(await loadConfigFile(script.configFile), scale);
    const releases = await applyWithReleases(api, doc);
    const environment = releases[0]?.definition.environment ?? 'production';
    token = await api.clientToken(doc.project, environment, 'example simulator');
    script.write(
      `Applied ${script.configFile} as project ${doc.project}; started ${releases.map((r) => r.id).join(', ')}\n`,
    );
  }
  if (token === undefined) {
    script.write(`Set WAVEGATE_CLIENT_TOKEN to a client token of the example's environment, or use --setup.\n${USAGE}`);
    return 64;
  }
  const services = script.services({ faulty: values.faulty === true }).map(
    (spec, i) =>
      new SimulatedService(spec, {
        url,
        token,
        ratePerSecond: rate,
        durationMs: seconds * 1000,
        seed: i + 1,
        ...(script.signal === undefined ? {} : { signal: script.signal }),
      }),
  );
  const report = setInterval(() => {
    for (const s of services) {
      const { byVariant } = s.stats;
      const parts = Object.entries(byVariant).map(([v, c]) => `${v}: ${c.requests} requests, ${c.errors} errors`);
      script.write(`${new Date().toISOString()} ${parts.join('; ')}\n`);
    }
  }, 5000);
  try {
    await Promise.all(services.map((s) => s.run()));
  } finally {
    clearInterval(report);
    await Promise.all(services.map((s) => s.close()));
  }
  script.write('Done.\n');
  return 0;
}
