import { describe, expect, it } from 'vitest';
import { recordingIo } from './fixtures/recording-io.js';
import { main } from './main.js';
import { serveSettings } from './serve-command.js';

describe('--trust-proxy / WAVEGATE_TRUST_PROXY', () => {
  it('is off unless set: no trustProxy option reaches the server', () => {
    expect(serveSettings({}, {})).not.toHaveProperty('trustProxy');
  });

  it('takes true, false, or a list of addresses and CIDRs; the flag wins over the environment', () => {
    expect(serveSettings({}, { WAVEGATE_TRUST_PROXY: 'true' })).toMatchObject({ trustProxy: true });
    expect(serveSettings({}, { WAVEGATE_TRUST_PROXY: 'false' })).toMatchObject({ trustProxy: false });
    expect(serveSettings({ trustProxy: '10.0.0.0/8, 127.0.0.1,fd00::/8,loopback' }, {})).toMatchObject({
      trustProxy: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8', 'loopback'],
    });
    expect(serveSettings({ trustProxy: '192.168.1.10' }, { WAVEGATE_TRUST_PROXY: 'true' })).toMatchObject({
      trustProxy: ['192.168.1.10'],
    });
  });

  it('refuses a bad value, listed with the other problems', () => {
    const problems = (flags: Parameters<typeof serveSettings>[0], env: Record<string, string>) => {
      try {
        serveSettings(flags, env);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no problem';
    };
    expect(problems({ trustProxy: '10.0.0.0/33,proxy.internal,', port: 'x' }, {})).toBe(
      [
        'cannot start: 2 problems:',
        '  - port must be 0-65535 (got "x")',
        '  - trust proxy is true, false, or a comma-separated list of proxy addresses or CIDRs, e.g. ' +
          '10.0.0.0/8,127.0.0.1 (got "10.0.0.0/33,proxy.internal,": "10.0.0.0/33" has a prefix length outside ' +
          '0-32; "proxy.internal" is not an IP address or CIDR; an empty entry)',
      ].join('\n'),
    );
    expect(problems({}, { WAVEGATE_TRUST_PROXY: '2' })).toContain(
      "trust proxy takes the proxies' addresses, not a hop count (a client reaching the server directly could " +
        'choose its address)',
    );
    expect(problems({}, { WAVEGATE_TRUST_PROXY: 'yes' })).toContain('"yes" is not an IP address or CIDR');
  });

  it('is a `wavegate serve` flag: a bad value stops the start with exit 64', async () => {
    const io = recordingIo({});
    expect(await main(['serve', '--memory', '--trust-proxy', '::1/129'], io)).toBe(64);
    expect(io.stderrText).toContain('"::1/129" has a prefix length outside 0-128');
  });
});
