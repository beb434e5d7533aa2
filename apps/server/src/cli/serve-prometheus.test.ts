import { describe, expect, it } from 'vitest';
import { serveSettings } from './serve-command.js';

describe('serve --prometheus-url', () => {
  it('takes the flag, else WAVEGATE_PROMETHEUS_URL, else nothing', () => {
    expect(serveSettings({ prometheusUrl: 'http://prom:9090' }, {}).prometheusUrl).toBe('http://prom:9090');
    const fromEnv = serveSettings({}, { WAVEGATE_PROMETHEUS_URL: 'https://prom.example/prometheus' });
    expect(fromEnv.prometheusUrl).toBe('https://prom.example/prometheus');
    expect(
      serveSettings({ prometheusUrl: 'http://a:1' }, { WAVEGATE_PROMETHEUS_URL: 'http://b:2' }).prometheusUrl,
    ).toBe('http://a:1');
    expect('prometheusUrl' in serveSettings({}, {})).toBe(false);
  });

  it('lists a URL that is not http(s) with the other start-up problems', () => {
    expect(() => serveSettings({ prometheusUrl: 'prom:9090', port: 'x' }, {})).toThrow(
      /2 problems:[\s\S]*port must be[\s\S]*Prometheus URL must start with http:\/\/ or https:\/\/ \(got "prom:9090"\)/,
    );
  });
});
