import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertsT, errorRateRule, manualTimer, RULES, report, setupAlerts, T0 } from './alerts.fixtures.js';

// The contract between rules and delivery, end to end: a rule's transitions reach a loopback webhook receiver
// through the notifications module (firing, then resolved).

interface Received {
  status: string;
  alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
}

let receiver: Server;
let url: string;
const received: Received[] = [];
let t: AlertsT;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push(JSON.parse(body) as Received);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  t = await setupAlerts({ notifications: { allowPrivateWebhooks: true, timer: manualTimer, run: false } });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('alert transitions → notifications', () => {
  it('delivers the firing alert with its labels and annotations, then its resolution', async () => {
    const settings = { receivers: { hook: { type: 'webhook', url } }, route: { receiver: 'hook', groupWait: '0s' } };
    const put = await t.call('PUT', '/api/v1/projects/shop/notifications', settings);
    expect(put.statusCode, put.body).toBeLessThan(300);
    expect((await t.call('POST', RULES, errorRateRule({ for: '0s' }))).statusCode).toBe(201);

    await report(t, T0, 1000, 0.5);
    t.clock.advance(10_000);
    await t.built.alerts.loop.runOnce();
    await t.built.notifications.loop.runOnce();
    expect(received.map((r) => r.status)).toEqual(['firing']);
    expect(received[0]!.alerts[0]).toMatchObject({
      status: 'firing',
      labels: { alertname: 'ERROR_RATE_CRITICAL', severity: 'critical', flag: 'checkout-v2', environment: 'dev' },
      annotations: { summary: 'error rate 0.5 on checkout-v2' },
    });

    t.clock.advance(60_000);
    await report(t, T0 + 60_000, 1000, 0);
    t.clock.advance(10_000);
    await t.built.alerts.loop.runOnce();
    await t.built.notifications.loop.runOnce();
    expect(received.map((r) => r.status)).toEqual(['firing', 'resolved']);
  });
});
