import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { type TokenEventInput, TokenTable } from './tokens.reducer.js';
import { TokenService } from './tokens.service.js';

function setup(authCacheSize?: number) {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const table = new TokenTable();
  let seq = 0;
  const service = new TokenService({
    table,
    clock,
    append: async (e) => ({ ...e, seq: ++seq, time: clock.now().toISOString() }),
    scopeExists: () => ({ project: true, environment: true }),
    ...(authCacheSize === undefined ? {} : { authCacheSize }),
  });
  const nextSeq = () => ++seq;
  return { clock, table, service, nextSeq };
}

const clientToken = { kind: 'client', name: 'web', project: 'shop', environment: 'production' };

function refusal(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? `${error.code}: ${error.message}` : 'not an AppError';
  }
  return undefined;
}

describe('TokenService authentication cache', () => {
  it('remembers a secret after its first successful check and answers the same auth from the cache', async () => {
    const { service } = setup();
    const { token, secret } = await service.create(clientToken, 'token:tok_admin');
    expect(service.authCacheEntries).toBe(0);
    const first = service.authenticate(secret);
    expect(service.authCacheEntries).toBe(1);
    expect(service.authenticate(secret)).toEqual(first);
    expect(first).toEqual({ tokenId: token.id, kind: 'client', project: 'shop', environment: 'production' });
  });

  it('never caches an unknown secret', async () => {
    const { service } = setup();
    await service.create(clientToken, 'token:tok_admin');
    expect(refusal(() => service.authenticate('wg_client_not-a-real-secret'))).toBe('UNAUTHENTICATED: unknown token');
    expect(service.authCacheEntries).toBe(0);
  });

  it('refuses a revoked token on the very next request although it was cached', async () => {
    const { service } = setup();
    const { token, secret } = await service.create(clientToken, 'token:tok_admin');
    service.authenticate(secret);
    service.authenticate(secret);
    await service.revoke(token.id, 'token:tok_admin');
    expect(refusal(() => service.authenticate(secret))).toBe(`UNAUTHENTICATED: token ${token.id} was revoked`);
    expect(service.authCacheEntries).toBe(0);
  });

  it('refuses a cached token revoked in the table directly (the per-hit check, not only the purge)', async () => {
    const { service, table, nextSeq, clock } = setup();
    const { token, secret } = await service.create(clientToken, 'token:tok_admin');
    service.authenticate(secret);
    // As if another path changed the projection without the service's purge: the live record decides.
    const revocation: TokenEventInput = {
      kind: 'token.revoked',
      actor: 'token:tok_other',
      payload: { id: token.id },
      seq: nextSeq(),
      time: clock.now().toISOString(),
    };
    table.apply(revocation);
    expect(service.authCacheEntries).toBe(1);
    expect(refusal(() => service.authenticate(secret))).toBe(`UNAUTHENTICATED: token ${token.id} was revoked`);
  });

  it('refuses a cached token once it has expired (injected clock)', async () => {
    const { service, clock } = setup();
    const { token, secret } = await service.create(
      { ...clientToken, expiresAt: '2026-03-01T01:00:00.000Z' },
      'token:tok_admin',
    );
    expect(service.authenticate(secret).tokenId).toBe(token.id);
    clock.advance(60 * 60 * 1000 - 1);
    expect(service.authenticate(secret).tokenId).toBe(token.id);
    expect(service.authCacheEntries).toBe(1);
    clock.advance(1);
    expect(refusal(() => service.authenticate(secret))).toBe(`UNAUTHENTICATED: token ${token.id} has expired`);
    expect(service.authCacheEntries).toBe(0);
  });

  it('is bounded: the least recently used secret is dropped, and a dropped secret still authenticates', async () => {
    const { service } = setup(2);
    const issued = [];
    for (let i = 0; i < 3; i++) issued.push(await service.create({ ...clientToken, name: `t${i}` }, 'token:tok_admin'));
    const [a, b, c] = issued as [(typeof issued)[0], (typeof issued)[0], (typeof issued)[0]];
    service.authenticate(a.secret);
    service.authenticate(b.secret);
    service.authenticate(a.secret); // a is now the most recently used
    service.authenticate(c.secret); // evicts b, the least recently used
    expect(service.authCacheEntries).toBe(2);
    expect([a, b, c].map((t) => service.authCacheHolds(t.secret))).toEqual([true, false, true]);
    // An evicted secret is checked by hash again (and remembered again, evicting a, now the oldest).
    expect(service.authenticate(b.secret).tokenId).toBe(b.token.id);
    expect([a, b, c].map((t) => service.authCacheHolds(t.secret))).toEqual([false, true, true]);
    for (const t of issued) expect(service.authenticate(t.secret).tokenId).toBe(t.token.id);
    expect(service.authCacheEntries).toBe(2);
  });

  it('with size 0 caches nothing and still authenticates', async () => {
    const { service } = setup(0);
    const { token, secret } = await service.create(clientToken, 'token:tok_admin');
    expect(service.authenticate(secret).tokenId).toBe(token.id);
    expect(service.authCacheEntries).toBe(0);
  });
});
