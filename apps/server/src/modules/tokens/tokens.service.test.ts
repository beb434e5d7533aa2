import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { hashSecret, looksLikeSecret } from './token-secret.js';
import { type TokenEventInput, TokenTable } from './tokens.reducer.js';
import { TokenService } from './tokens.service.js';

function setup() {
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const events: (TokenEventInput & { subject: string })[] = [];
  const service = new TokenService({
    table: new TokenTable(),
    clock,
    append: async (e) => {
      const event = { ...e, seq: events.length + 1, time: clock.now().toISOString() };
      events.push(event);
      return event;
    },
    scopeExists: (project, environment) => ({
      project: project === 'shop',
      environment: project === 'shop' && environment === 'production',
    }),
  });
  return { clock, events, service };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? `${error.code}: ${error.message}` : 'not an AppError';
  }
  return undefined;
}

describe('TokenService', () => {
  it('issues a prefixed secret, stores only its hash, and authenticates it', async () => {
    const { service, events } = setup();
    const { token, secret } = await service.create(
      { kind: 'client', name: 'web', project: 'shop', environment: 'production' },
      'token:tok_admin',
    );
    expect(secret.startsWith('wg_client_')).toBe(true);
    expect(looksLikeSecret(secret)).toBe(true);
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(events[0]).toMatchObject({
      kind: 'token.created',
      subject: `token:${token.id}`,
      actor: 'token:tok_admin',
      payload: { hash: hashSecret(secret), project: 'shop', environment: 'production' },
    });
    expect(service.authenticate(secret)).toEqual({
      tokenId: token.id,
      kind: 'client',
      project: 'shop',
      environment: 'production',
    });
    expect(JSON.stringify(service.list())).not.toContain(hashSecret(secret));
  });

  it('says why a token is refused: missing, unknown, revoked, expired', async () => {
    const { service, clock } = setup();
    const a = await service.create({ kind: 'admin', name: 'a' }, 'system');
    const b = await service.create({ kind: 'admin', name: 'b', expiresAt: '2026-03-01T01:00:00Z' }, 'system');
    expect(codeOf(() => service.authenticate(undefined))).toMatch(/^UNAUTHENTICATED: missing token/);
    expect(codeOf(() => service.authenticate('wg_admin_nope'))).toBe('UNAUTHENTICATED: unknown token');
    await service.revoke(a.token.id, 'system');
    expect(codeOf(() => service.authenticate(a.secret))).toBe(`UNAUTHENTICATED: token ${a.token.id} was revoked`);
    expect(service.authenticate(b.secret).tokenId).toBe(b.token.id);
    clock.advance(60 * 60 * 1000);
    expect(codeOf(() => service.authenticate(b.secret))).toBe(`UNAUTHENTICATED: token ${b.token.id} has expired`);
    expect(service.get(b.token.id).status).toBe('expired');
    expect(service.get(a.token.id).status).toBe('revoked');
  });

  it('tells listeners about a revocation once, and refuses a second revocation', async () => {
    const { service } = setup();
    const { token } = await service.create({ kind: 'admin', name: 'a' }, 'system');
    const seen: string[] = [];
    service.onRevoked((id) => seen.push(id));
    await service.revoke(token.id, 'system');
    await expect(service.revoke(token.id, 'system')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(service.revoke('tok_missing', 'system')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(seen).toEqual([token.id]);
  });

  it('validates the body and lists every problem', async () => {
    const { service } = setup();
    await expect(service.create({ kind: 'root', name: '', extra: 1 }, 'system')).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: {
        problems: [
          expect.objectContaining({ path: 'extra', code: 'unknown_field' }),
          expect.objectContaining({ path: 'kind' }),
          expect.objectContaining({ path: 'name' }),
        ],
      },
    });
    await expect(service.create({ kind: 'client', name: 'x' }, 'system')).rejects.toMatchObject({
      details: { problems: [{ path: 'project' }, { path: 'environment' }].map((p) => expect.objectContaining(p)) },
    });
    await expect(
      service.create({ kind: 'client', name: 'x', project: 'shop', environment: 'staging' }, 'system'),
    ).rejects.toMatchObject({
      details: { problems: [expect.objectContaining({ path: 'environment', code: 'not_found' })] },
    });
    await expect(
      service.create({ kind: 'frontend', name: 'x', project: 'blog', environment: 'production' }, 'system'),
    ).rejects.toMatchObject({
      details: { problems: [expect.objectContaining({ path: 'project', code: 'not_found' })] },
    });
    await expect(service.create({ kind: 'admin', name: 'x', project: 'shop' }, 'system')).rejects.toMatchObject({
      details: { problems: [expect.objectContaining({ path: 'project', code: 'not_allowed' })] },
    });
    await expect(
      service.create({ kind: 'admin', name: 'x', expiresAt: '2020-01-01T00:00:00Z' }, 'system'),
    ).rejects.toMatchObject({ details: { problems: [expect.objectContaining({ path: 'expiresAt', code: 'past' })] } });
    await expect(service.create([], 'system')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('registers an operator-given admin secret once, and never revives a revoked one', async () => {
    const { service, events } = setup();
    const secret = 'wg_admin_from-the-environment-0123456789abcdef0123456789';
    expect(await service.registerAdminSecret(secret)).toBe(true);
    expect(await service.registerAdminSecret(secret)).toBe(true);
    expect(events).toHaveLength(1);
    const id = service.authenticate(secret).tokenId;
    await service.revoke(id, 'system');
    expect(await service.registerAdminSecret(secret)).toBe(false);
    expect(events).toHaveLength(2);
  });

  it('creates a first admin token only where no admin token ever existed', async () => {
    const { service } = setup();
    const first = await service.createFirstAdminToken();
    expect(first?.startsWith('wg_admin_')).toBe(true);
    expect(service.authenticate(first).kind).toBe('admin');
    expect(await service.createFirstAdminToken()).toBeUndefined();
  });

  it('applies a repeated event once (own append and subscription both deliver it)', async () => {
    const { service, events } = setup();
    const { token } = await service.create({ kind: 'admin', name: 'a' }, 'system');
    await service.revoke(token.id, 'system');
    const seen: string[] = [];
    service.onRevoked((id) => seen.push(id));
    for (const event of events) service.applyEvent(event);
    expect(seen).toEqual([]);
    expect(service.list()).toHaveLength(1);
  });
});
