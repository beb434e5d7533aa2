import { describe, expect, it } from 'vitest';
import { validateNotificationsSection } from './notifications-section.js';

const section = (url: string, allowPrivateHosts?: string[]) => ({
  receivers: { hook: { type: 'webhook', url, ...(allowPrivateHosts ? { allowPrivateHosts } : {}) } },
  route: { receiver: 'hook' },
});

describe('private receiver addresses in a notifications section', () => {
  it('says where to allow one: the receiver, or the server (`wavegate serve`), never apply', () => {
    const result = validateNotificationsSection(section('http://10.0.0.5/hook'));
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual([
      {
        path: 'notifications.receivers.hook.url',
        code: 'private_address',
        message:
          '10.0.0.5 is a private, loopback or link-local address; allow it for this receiver with allowPrivateHosts, ' +
          'or for every receiver by starting the server with "wavegate serve --allow-private-webhooks"',
      },
    ]);
  });

  it('accepts the address when the receiver or the server allows it', () => {
    expect(validateNotificationsSection(section('http://10.0.0.5/hook', ['10.0.0.5'])).ok).toBe(true);
    expect(validateNotificationsSection(section('http://10.0.0.5/hook'), { allowPrivateWebhooks: true }).ok).toBe(true);
  });
});
