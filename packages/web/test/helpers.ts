import { admin } from '../../node/test/helpers.js';
import type { WavegateWeb, WavegateWebEvents } from '../src/client.js';

/** The arguments of the next `event` the client emits. */
export function nextEvent<E extends keyof WavegateWebEvents>(
  client: WavegateWeb,
  event: E,
): Promise<WavegateWebEvents[E]> {
  return new Promise((resolve) => {
    const off = client.on(event, (...args) => {
      off();
      resolve(args);
    });
  });
}

// The same admin-API client as the Node SDK's tests.
export { admin };

/**
 * Creates project `project` with environment `prod`, flags of every type, and a frontend and a client token;
 * `disable(flag)` turns a flag off there.
 */
export async function arrange(call: ReturnType<typeof admin>, project: string) {
  const env = 'prod';
  await call('POST', '/api/v1/projects', { key: project });
  await call('POST', `/api/v1/projects/${project}/environments`, { key: env });
  const on = { enabled: true, rules: [] };
  await call('POST', `/api/v1/projects/${project}/flags`, {
    key: 'checkout',
    type: 'boolean',
    environments: { [env]: { ...on, serve: { variant: 'on' } } },
  });
  await call('POST', `/api/v1/projects/${project}/flags`, {
    key: 'banner',
    type: 'string',
    variants: { red: 'red', blue: 'blue' },
    environments: {
      [env]: {
        enabled: true,
        rules: [{ conditions: [{ attribute: 'country', op: 'in', values: ['VN'] }], serve: { variant: 'red' } }],
        serve: { variant: 'blue' },
      },
    },
  });
  await call('POST', `/api/v1/projects/${project}/flags`, {
    key: 'limit',
    type: 'number',
    variants: { low: 5, high: 50 },
    environments: { [env]: { ...on, serve: { variant: 'high' } } },
  });
  await call('POST', `/api/v1/projects/${project}/flags`, {
    key: 'layout',
    type: 'json',
    variants: { a: { columns: 2 }, b: { columns: 3 } },
    environments: { [env]: { ...on, serve: { variant: 'b' } } },
  });
  const token = async (kind: string) =>
    (await call('POST', '/api/v1/tokens', { kind, name: `${kind}-${project}`, project, environment: env }))
      .secret as string;
  const disable = (flag: string) =>
    call('POST', `/api/v1/projects/${project}/flags/${flag}/environments/${env}/disable`, {});
  return { frontend: await token('frontend'), client: await token('client'), disable };
}

/** A fetch that records each response's method, path and status (the requests themselves are real). */
export function recordingFetch() {
  const log: { method: string; path: string; status: number; body?: string; headers: Record<string, string> }[] = [];
  const fn: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = new URL(String(input));
    log.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      status: res.status,
      headers: { ...(init?.headers as Record<string, string>) },
      ...(typeof init?.body === 'string' ? { body: init.body } : {}),
    });
    return res;
  };
  return { fetch: fn, log };
}
