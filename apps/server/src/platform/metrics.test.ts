import { describe, expect, it } from 'vitest';
import { createMetrics, timed } from './metrics.js';

describe('createMetrics', () => {
  it('gives each app its own registry, so two apps in one process do not collide', async () => {
    const a = createMetrics({ processDefaults: false });
    const b = createMetrics({ processDefaults: false });
    a.sseClients.inc({ project: 'shop', environment: 'production' });
    const textA = (await a.render()).body;
    const textB = (await b.render()).body;
    expect(textA).toContain('wavegate_sse_clients{project="shop",environment="production"} 1');
    expect(textB).not.toContain('project="shop"');
  });

  it('renders process defaults when asked and the server metrics always', async () => {
    const m = createMetrics();
    const { body, contentType } = await m.render();
    expect(contentType).toContain('text/plain');
    expect(body).toContain('process_cpu_user_seconds_total');
    for (const name of [
      'http_request_duration_seconds',
      'wavegate_sse_clients',
      'wavegate_config_version',
      'wavegate_event_append_duration_seconds',
    ]) {
      expect(body).toContain(`# TYPE ${name}`);
    }
  });

  it('timed() observes once even when the work throws', async () => {
    const m = createMetrics({ processDefaults: false });
    await timed(m.eventAppendDuration, async () => 1);
    await expect(
      timed(m.eventAppendDuration, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const metric = await m.eventAppendDuration.get();
    expect(metric.values.find((v) => v.metricName === 'wavegate_event_append_duration_seconds_count')?.value).toBe(2);
  });
});
