import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { type EventStore, MemoryEventStore, type StoredEvent } from '../events/index.js';
import { createTokensModule } from './index.js';
import { hashSecret } from './token-secret.js';

function moduleOn(
  events: Pick<EventStore, 'append' | 'read' | 'head'>,
  listeners: ((e: readonly StoredEvent[]) => void)[],
) {
  return createTokensModule({
    events,
    follow: (listener) => {
      listeners.push(listener);
      return () => {};
    },
    clock: new ManualClock(),
    scopeExists: () => ({ project: false, environment: false }),
  });
}

/**
 * The store as seen by a replica that loses a race: right after its first read of the token events, another replica
 * appends `token.created` for admin token `id` named `name` with `secret`. `raced()` says whether it happened.
 */
function racedBy(store: MemoryEventStore, id: string, name: string, secret: string) {
  let raced = false;
  const events: Pick<EventStore, 'append' | 'read' | 'head'> = {
    append: (event, options) => store.append(event, options),
    head: () => store.head(),
    read: async (filter) => {
      const read = await store.read(filter);
      if (!raced && filter?.kind === 'token.revoked') {
        raced = true;
        await store.append({
          actor: 'system',
          kind: 'token.created',
          subject: `token:${id}`,
          payload: { id, kind: 'admin', name, hash: hashSecret(secret) },
        });
      }
      return read;
    },
  };
  return { events, raced: () => raced };
}

describe('tokens module start', () => {
  it('does not create a second first admin token when another replica created one after the load', async () => {
    const store = new MemoryEventStore({ clock: new ManualClock() });
    // Another replica appends its first admin token right after this one read the token events.
    const racing = racedBy(store, 'tok_other', 'first admin token', 'other');
    const started = await moduleOn(racing.events, []).start();
    expect(racing.raced()).toBe(true);
    expect(started.firstAdminToken).toBeUndefined();
    expect(await store.read({ kind: 'token.created' })).toHaveLength(1);
  });

  it('registers WAVEGATE_ADMIN_TOKEN once when another replica registered it after the load', async () => {
    const store = new MemoryEventStore({ clock: new ManualClock() });
    const secret = `wg_admin_${'e'.repeat(43)}`;
    const racing = racedBy(store, 'tok_env', 'WAVEGATE_ADMIN_TOKEN', secret);
    const module = moduleOn(racing.events, []);
    expect(await module.start({ adminSecret: secret })).toEqual({});
    expect(racing.raced()).toBe(true);
    expect(await store.read({ kind: 'token.created' })).toHaveLength(1);
    expect(module.service.authenticate(secret).tokenId).toBe('tok_env');
  });

  it('replays token events from the log and follows new ones', async () => {
    const store = new MemoryEventStore({ clock: new ManualClock() });
    const first = moduleOn(store, []);
    const { firstAdminToken } = await first.start();
    const listeners: ((e: readonly StoredEvent[]) => void)[] = [];
    const second = moduleOn(store, listeners);
    expect((await second.start()).firstAdminToken).toBeUndefined();
    const id = second.service.authenticate(firstAdminToken).tokenId;
    const revoked = await store.append({
      actor: 'system',
      kind: 'token.revoked',
      subject: `token:${id}`,
      payload: { id },
    });
    for (const listener of listeners) listener([revoked]);
    expect(() => second.service.authenticate(firstAdminToken)).toThrow(/was revoked/);
  });
});
