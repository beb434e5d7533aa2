import { randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import { AppError, ErrorCode, type Problem } from '../../platform/errors.js';
import type { RequestAuth } from '../../platform/http.js';
import { generateSecret, hashesEqual, hashSecret, TOKEN_KINDS, type TokenKind } from './token-secret.js';
import type { TokenEventInput, TokenRecord, TokenTable } from './tokens.reducer.js';

/** Who made a request, as the auth preHandler resolves it (the platform's RequestAuth). */
export type TokenAuth = RequestAuth;

/** A token as the API shows it: never the secret, never the hash. */
export interface TokenView {
  id: string;
  kind: TokenKind;
  name: string;
  project: string | null;
  environment: string | null;
  expiresAt: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  status: 'active' | 'expired' | 'revoked';
  version: number;
}

export interface CreateTokenInput {
  kind: TokenKind;
  name: string;
  project?: string;
  environment?: string;
  expiresAt?: string;
}

/**
 * Appends one event and resolves with it once committed. With `expectedHead`, appends only if the log's last
 * seq is still that one, else rejects (the event store's HeadMovedError).
 */
export type AppendTokenEvent = (
  event: {
    actor: string;
    kind: 'token.created' | 'token.revoked';
    subject: string;
    payload: Record<string, string>;
  },
  options?: { expectedHead?: number },
) => Promise<TokenEventInput>;

export interface TokenServiceDeps {
  table: TokenTable;
  clock: Clock;
  append: AppendTokenEvent;
  /** Whether the project and environment exist (client and frontend tokens are scoped to one). */
  scopeExists(project: string, environment: string): { project: boolean; environment: boolean };
  /** Most presented secrets remembered after a successful check (see `authenticate`). Default 10,000; 0 = none. */
  authCacheSize?: number;
}

/** Default bound of the authentication cache (secrets remembered after a successful SHA-256 check). */
export const DEFAULT_AUTH_CACHE_SIZE = 10_000;

/** A remembered successful authentication: which token, what it resolved to, and when it expires. */
interface CachedAuth {
  readonly record: TokenRecord;
  readonly auth: TokenAuth;
  /** Epoch ms; Infinity when the token never expires. */
  readonly expiresAtMs: number;
}

const CREATE_FIELDS = new Set(['kind', 'name', 'project', 'environment', 'expiresAt']);

/** Token rules: issue, list, revoke, authenticate. The table is the projection of token events. */
export class TokenService {
  private readonly revokedListeners = new Set<(tokenId: string) => void>();
  /** Presented secret → its last successful authentication, in least-recently-used order (a Map keeps order). */
  private readonly authCache = new Map<string, CachedAuth>();
  private readonly authCacheSize: number;

  constructor(private readonly deps: TokenServiceDeps) {
    this.authCacheSize = deps.authCacheSize ?? DEFAULT_AUTH_CACHE_SIZE;
  }

  /** How many secrets the authentication cache holds now (never more than its bound). */
  get authCacheEntries(): number {
    return this.authCache.size;
  }

  /** Whether the authentication cache remembers this secret now (tests and diagnostics). */
  authCacheHolds(secret: string): boolean {
    return this.authCache.has(secret);
  }

  /** Issues a token. The secret is returned here once and exists nowhere else (the event holds its hash). */
  async create(body: unknown, actor: string): Promise<{ token: TokenView; secret: string }> {
    const input = this.validateCreate(body);
    return this.issue(input, actor, generateSecret(input.kind));
  }

  list(): TokenView[] {
    return this.deps.table.list().map((record) => this.view(record));
  }

  get(id: string): TokenView {
    const record = this.deps.table.get(id);
    if (!record) throw AppError.notFound(`token ${id}`);
    return this.view(record);
  }

  /** Revokes a token at once: its next request gets 401 and its open streams close. Revoking twice is a 409. */
  async revoke(id: string, actor: string): Promise<TokenView> {
    const record = this.deps.table.get(id);
    if (!record) throw AppError.notFound(`token ${id}`);
    if (record.revokedAt) throw AppError.conflict(`token ${id} is already revoked`);
    const event = await this.deps.append({ actor, kind: 'token.revoked', subject: `token:${id}`, payload: { id } });
    this.applyEvent(event);
    return this.get(id);
  }

  /**
   * Resolves a presented secret. Missing or unknown → UNAUTHENTICATED; revoked or expired → UNAUTHENTICATED
   * saying which. Lookup is by SHA-256 of the secret; the stored hash is then compared in constant time.
   *
   * A secret that passed that check is remembered (bounded LRU, `authCacheSize`), so its next requests skip the
   * hash. A remembered entry is only a shortcut to the token's record: each hit checks that the token's live
   * record is still the one remembered (a revocation replaces it) and not revoked, and the expiry against the
   * clock, so a revoked or expired token is refused on its very next request. Unknown secrets are never cached.
   */
  authenticate(secret: string | undefined): TokenAuth {
    if (!secret) {
      throw new AppError(
        ErrorCode.UNAUTHENTICATED,
        'missing token: send "Authorization: Bearer <token>" or "X-API-Key: <token>"',
      );
    }
    const cached = this.authCache.get(secret);
    if (cached !== undefined) {
      const live = this.deps.table.get(cached.record.id);
      if (live === cached.record && !live.revokedAt && this.deps.clock.now().getTime() < cached.expiresAtMs) {
        // Refresh the entry's place in the LRU order.
        this.authCache.delete(secret);
        this.authCache.set(secret, cached);
        return cached.auth;
      }
      // Revoked, expired or replaced: forget it and decide from the record below (which says why).
      this.authCache.delete(secret);
    }
    const hash = hashSecret(secret);
    const record = this.deps.table.findByHash(hash);
    if (!record || !hashesEqual(record.hash, hash)) throw new AppError(ErrorCode.UNAUTHENTICATED, 'unknown token');
    if (record.revokedAt) throw new AppError(ErrorCode.UNAUTHENTICATED, `token ${record.id} was revoked`);
    if (this.isExpired(record)) throw new AppError(ErrorCode.UNAUTHENTICATED, `token ${record.id} has expired`);
    const auth: TokenAuth = Object.freeze({
      tokenId: record.id,
      kind: record.kind,
      ...(record.project !== undefined ? { project: record.project } : {}),
      ...(record.environment !== undefined ? { environment: record.environment } : {}),
    });
    this.remember(secret, record, auth);
    return auth;
  }

  /** Whether the token is still usable now (for long-lived streams that authenticated earlier). */
  isActive(tokenId: string): boolean {
    const record = this.deps.table.get(tokenId);
    return record !== undefined && !record.revokedAt && !this.isExpired(record);
  }

  /**
   * Registers an admin secret given by the operator (`WAVEGATE_ADMIN_TOKEN`). Idempotent: a secret already known
   * is left as it is — and a revoked one stays revoked (returns false), so revocation cannot be undone by a restart.
   * `expectedHead` as for `createFirstAdminToken` (replicas starting together register it once).
   */
  async registerAdminSecret(secret: string, expectedHead?: number): Promise<boolean> {
    const existing = this.deps.table.findByHash(hashSecret(secret));
    if (existing) return !existing.revokedAt && existing.kind === 'admin';
    await this.issue({ kind: 'admin', name: 'WAVEGATE_ADMIN_TOKEN' }, 'system', secret, expectedHead);
    return true;
  }

  /**
   * On a database where no admin token was ever created, creates one and returns its secret (shown once).
   * `expectedHead` = the log's last seq when the table was loaded: if anything was appended since (another
   * replica starting at the same moment), the append is refused and the caller reloads and asks again, so two
   * replicas never both create one.
   */
  async createFirstAdminToken(expectedHead?: number): Promise<string | undefined> {
    if (this.deps.table.adminEverCreated) return undefined;
    const secret = generateSecret('admin');
    await this.issue({ kind: 'admin', name: 'first admin token' }, 'system', secret, expectedHead);
    return secret;
  }

  /** Applies a token event from the event log (replay or subscription); tells listeners about revocations. */
  applyEvent(event: TokenEventInput): void {
    const changed = this.deps.table.apply(event);
    if (changed?.revokedAt) {
      this.forgetToken(changed.id);
      for (const listener of this.revokedListeners) listener(changed.id);
    }
  }

  /** Calls `listener` with the id of each token revoked from now on. Returns an unsubscribe function. */
  onRevoked(listener: (tokenId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  private async issue(
    input: CreateTokenInput,
    actor: string,
    secret: string,
    expectedHead?: number,
  ): Promise<{ token: TokenView; secret: string }> {
    const id = `tok_${randomBytes(9).toString('base64url')}`;
    const payload: Record<string, string> = { id, kind: input.kind, name: input.name, hash: hashSecret(secret) };
    if (input.project !== undefined) payload.project = input.project;
    if (input.environment !== undefined) payload.environment = input.environment;
    if (input.expiresAt !== undefined) payload.expiresAt = input.expiresAt;
    const event = await this.deps.append(
      { actor, kind: 'token.created', subject: `token:${id}`, payload },
      expectedHead === undefined ? {} : { expectedHead },
    );
    this.applyEvent(event);
    return { token: this.get(id), secret };
  }

  private remember(secret: string, record: TokenRecord, auth: TokenAuth): void {
    if (this.authCacheSize <= 0) return;
    this.authCache.set(secret, {
      record,
      auth,
      expiresAtMs: record.expiresAt === undefined ? Number.POSITIVE_INFINITY : Date.parse(record.expiresAt),
    });
    while (this.authCache.size > this.authCacheSize) {
      const oldest = this.authCache.keys().next().value as string;
      this.authCache.delete(oldest);
    }
  }

  /** Drops every cached secret of a token (on revocation; the per-hit check would refuse them anyway). */
  private forgetToken(tokenId: string): void {
    for (const [secret, entry] of this.authCache) {
      if (entry.record.id === tokenId) this.authCache.delete(secret);
    }
  }

  private isExpired(record: TokenRecord): boolean {
    return record.expiresAt !== undefined && Date.parse(record.expiresAt) <= this.deps.clock.now().getTime();
  }

  private view(record: TokenRecord): TokenView {
    const status = record.revokedAt ? 'revoked' : this.isExpired(record) ? 'expired' : 'active';
    return {
      id: record.id,
      kind: record.kind,
      name: record.name,
      project: record.project ?? null,
      environment: record.environment ?? null,
      expiresAt: record.expiresAt ?? null,
      createdAt: record.createdAt,
      createdBy: record.createdBy,
      revokedAt: record.revokedAt ?? null,
      status,
      version: record.version,
    };
  }

  private validateCreate(body: unknown): CreateTokenInput {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw AppError.validation('body must be a JSON object', [
        { path: '', code: 'type', message: 'expected an object' },
      ]);
    }
    const b = body as Record<string, unknown>;
    const problems: Problem[] = [];
    for (const key of Object.keys(b)) {
      if (!CREATE_FIELDS.has(key)) problems.push({ path: key, code: 'unknown_field', message: `unknown field ${key}` });
    }
    if (!TOKEN_KINDS.includes(b.kind as TokenKind)) {
      problems.push({ path: 'kind', code: 'enum', message: `kind must be one of ${TOKEN_KINDS.join(', ')}` });
    }
    if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 200) {
      problems.push({
        path: 'name',
        code: 'type',
        message: 'name must be a non-empty string of at most 200 characters',
      });
    }
    this.validateScope(b, problems);
    this.validateExpiry(b.expiresAt, problems);
    if (problems.length > 0) throw AppError.validation('invalid token', problems);
    return {
      kind: b.kind as TokenKind,
      name: (b.name as string).trim(),
      ...(b.project !== undefined ? { project: b.project as string } : {}),
      ...(b.environment !== undefined ? { environment: b.environment as string } : {}),
      ...(b.expiresAt != null ? { expiresAt: new Date(b.expiresAt as string).toISOString() } : {}),
    };
  }

  private validateScope(b: Record<string, unknown>, problems: Problem[]): void {
    if (b.kind === 'admin') {
      for (const field of ['project', 'environment'] as const) {
        if (b[field] !== undefined) {
          problems.push({ path: field, code: 'not_allowed', message: `admin tokens are not scoped: drop ${field}` });
        }
      }
      return;
    }
    if (b.kind !== 'client' && b.kind !== 'frontend') return;
    for (const field of ['project', 'environment'] as const) {
      if (typeof b[field] !== 'string' || b[field] === '') {
        problems.push({ path: field, code: 'required', message: `${b.kind} tokens need a ${field}` });
      }
    }
    if (typeof b.project !== 'string' || typeof b.environment !== 'string') return;
    const exists = this.deps.scopeExists(b.project, b.environment);
    if (!exists.project) {
      problems.push({ path: 'project', code: 'not_found', message: `project ${b.project} does not exist` });
    } else if (!exists.environment) {
      problems.push({
        path: 'environment',
        code: 'not_found',
        message: `environment ${b.environment} does not exist in project ${b.project}`,
      });
    }
  }

  private validateExpiry(value: unknown, problems: Problem[]): void {
    if (value === undefined || value === null) return;
    const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(ms)) {
      problems.push({ path: 'expiresAt', code: 'format', message: 'expiresAt must be an ISO 8601 date-time' });
    } else if (ms <= this.deps.clock.now().getTime()) {
      problems.push({ path: 'expiresAt', code: 'past', message: 'expiresAt must be in the future' });
    }
  }
}
