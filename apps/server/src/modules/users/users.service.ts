import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import { AppError, ErrorCode } from '../../platform/errors.js';
import { RateLimiter, type RateLimitPolicy } from '../../platform/rate-limit.js';
import type { EventStore } from '../events/index.js';
import { attemptKeys, type FailureWindow, type SqlLoginAttempts } from './login-attempts.store.js';
import { decoyHash, hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from './password.js';
import { newUserId, ROLES, type Role, type SessionRecord, type SqlUserStore, type UserRecord } from './users.store.js';

export interface LoginLimits {
  /** Login attempts per client IP, in this process (a cheap first line). */
  perIp: RateLimitPolicy;
  /** Login attempts per login name, in this process (slows guessing one account from many addresses). */
  perLogin: RateLimitPolicy;
  /** Failed sign-ins per client address (IPv6: per /64), counted in the database: shared by every replica. */
  failuresPerIp: FailureWindow;
  /** Failed sign-ins per login name (known or not), counted in the database: shared by every replica. */
  failuresPerLogin: FailureWindow;
}

/**
 * Per process: 10 attempts, then one every 6 s per IP; 5 attempts, then one a minute per login name. Across all
 * replicas: 50 failed sign-ins per address and 10 per login name in a 15-minute window.
 */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perIp: { capacity: 10, refillPerSecond: 1 / 6 },
  perLogin: { capacity: 5, refillPerSecond: 1 / 60 },
  failuresPerIp: { max: 50, windowSeconds: 900 },
  failuresPerLogin: { max: 10, windowSeconds: 900 },
};

/** Sessions end 12 hours after login. */
export const SESSION_TTL_MS = 12 * 3600_000;

export interface UsersServiceDeps {
  store: SqlUserStore;
  events: Pick<EventStore, 'append'>;
  clock: Clock;
  loginLimits?: Partial<LoginLimits>;
}

export interface NewUserInput {
  login: string;
  password: string;
  role: Role;
  name?: string;
  email?: string;
}

export const sessionHash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

function problem(path: string, code: string, message: string) {
  return { path, code, message };
}

function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError(ErrorCode.RATE_LIMITED, 'too many sign-in attempts; try again later', {
    details: { retryAfterSeconds },
    headers: { 'retry-after': String(retryAfterSeconds) },
  });
}

/** Users: creation, sign-in and sessions. Events name users only by id (`user:<id>`); PII stays in `people`. */
export class UsersService {
  private readonly perIp: RateLimiter;
  private readonly perLogin: RateLimiter;
  private readonly failures: { perIp: FailureWindow; perLogin: FailureWindow };
  private readonly attempts: SqlLoginAttempts;

  constructor(private readonly deps: UsersServiceDeps) {
    const now = () => deps.clock.now().getTime();
    const limits = { ...DEFAULT_LOGIN_LIMITS, ...deps.loginLimits };
    this.perIp = new RateLimiter(limits.perIp, now);
    this.perLogin = new RateLimiter(limits.perLogin, now);
    for (const w of [limits.failuresPerIp, limits.failuresPerLogin]) {
      if (!(Number.isInteger(w.max) && w.max >= 1) || !(w.windowSeconds > 0)) {
        throw new RangeError('a failure window needs an integer max >= 1 and windowSeconds > 0');
      }
    }
    this.failures = { perIp: limits.failuresPerIp, perLogin: limits.failuresPerLogin };
    this.attempts = deps.store.loginAttempts();
  }

  async create(input: NewUserInput, actor: string): Promise<UserRecord> {
    const problems = [];
    if (typeof input.login !== 'string' || !/^[A-Za-z0-9._@-]{1,64}$/.test(input.login)) {
      problems.push(problem('/login', 'invalid', 'login: 1-64 letters, digits, or . _ @ -'));
    }
    if (typeof input.password !== 'string' || input.password.length < MIN_PASSWORD_LENGTH) {
      problems.push(problem('/password', 'too_short', `password: at least ${MIN_PASSWORD_LENGTH} characters`));
    }
    if (!ROLES.includes(input.role)) problems.push(problem('/role', 'invalid', `role: one of ${ROLES.join(', ')}`));
    if (problems.length > 0) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'invalid user', { details: { problems } });
    }
    const id = newUserId();
    const user = await this.deps.store.create(
      { ...input, id, passwordHash: await hashPassword(input.password) },
      this.deps.clock.now(),
    );
    await this.deps.events.append({
      actor,
      kind: 'user.created',
      subject: `user:${id}`,
      payload: { id, role: input.role },
    });
    return user;
  }

  /**
   * On a store without users: creates `admin` with the given password, or a random one that is returned so the
   * caller prints it once. Returns undefined when users exist (or the given password was used).
   */
  async createFirstAdmin(password?: string): Promise<{ login: string; password?: string } | undefined> {
    if ((await this.deps.store.count()) > 0) return undefined;
    const chosen = password ?? randomBytes(15).toString('base64url');
    try {
      await this.create({ login: 'admin', password: chosen, role: 'admin' }, 'system');
    } catch (error) {
      // Another replica created it first.
      if (error instanceof AppError && error.code === ErrorCode.CONFLICT) return undefined;
      throw error;
    }
    return password === undefined ? { login: 'admin', password: chosen } : { login: 'admin' };
  }

  list(): Promise<UserRecord[]> {
    return this.deps.store.list();
  }

  async update(id: string, change: { role?: Role; disabled?: boolean }, actor: string): Promise<UserRecord> {
    if (change.role !== undefined && !ROLES.includes(change.role)) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'invalid user change', {
        details: { problems: [problem('/role', 'invalid', `role: one of ${ROLES.join(', ')}`)] },
      });
    }
    if (actor === `user:${id}` && (change.disabled === true || (change.role && change.role !== 'admin'))) {
      throw new AppError(ErrorCode.FORBIDDEN, 'you may not demote or disable yourself');
    }
    const user = await this.deps.store.update(id, change, this.deps.clock.now());
    if (user === undefined) throw new AppError(ErrorCode.NOT_FOUND, `no user ${id}`);
    await this.deps.events.append({ actor, kind: 'user.updated', subject: `user:${id}`, payload: { id, ...change } });
    return user;
  }

  async setPassword(id: string, password: string, actor: string): Promise<void> {
    if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, 'invalid password', {
        details: { problems: [problem('/password', 'too_short', `at least ${MIN_PASSWORD_LENGTH} characters`)] },
      });
    }
    const user = await this.deps.store.update(
      id,
      { passwordHash: await hashPassword(password) },
      this.deps.clock.now(),
    );
    if (user === undefined) throw new AppError(ErrorCode.NOT_FOUND, `no user ${id}`);
    await this.deps.events.append({ actor, kind: 'user.password.changed', subject: `user:${id}`, payload: { id } });
  }

  /** A signed-in user changes their own password (the current one is checked; all their sessions end). */
  async changeOwnPassword(id: string, current: string, password: string): Promise<void> {
    const user = await this.deps.store.get(id);
    const found = user?.login == null ? undefined : await this.deps.store.findByLogin(user.login);
    if (found === undefined || !(await verifyPassword(found.passwordHash, String(current)))) {
      throw new AppError(ErrorCode.FORBIDDEN, 'the current password is wrong');
    }
    await this.setPassword(id, password, `user:${id}`);
  }

  /** Erases a person's PII (GDPR). The user id remains in events; the event chain stays valid. */
  async erase(id: string, actor: string): Promise<void> {
    if (!(await this.deps.store.erasePerson(id, this.deps.clock.now()))) {
      throw new AppError(ErrorCode.NOT_FOUND, `no user ${id}`);
    }
    await this.deps.events.append({ actor, kind: 'user.erased', subject: `user:${id}`, payload: { id } });
  }

  /**
   * Signs in: rate limited per IP and per login name (429 with Retry-After), the same 401 for an unknown name and
   * a wrong password. Returns the session secret (for the cookie) and its CSRF token. Two limits: this process's
   * token buckets (every attempt), then the failed sign-ins all replicas counted in the database; an attempt is
   * counted there before its password is checked and given back unless the check fails.
   */
  async login(
    login: string,
    password: string,
    ip: string,
  ): Promise<{ secret: string; session: SessionRecord; user: UserRecord }> {
    for (const [limiter, key] of [
      [this.perIp, `ip:${ip}`],
      [this.perLogin, `login:${String(login).toLowerCase()}`],
    ] as const) {
      const decision = limiter.take(key);
      if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds);
    }
    const keys = attemptKeys(ip, String(login), this.failures);
    const shared = await this.attempts.reserve(keys, this.deps.clock.now());
    if (!shared.allowed) {
      await this.attempts.refund(keys);
      throw rateLimited(shared.retryAfterSeconds);
    }
    const found = await this.deps.store.findByLogin(String(login));
    const ok = await verifyPassword(found?.passwordHash ?? (await decoyHash()), String(password));
    if (found === undefined || !ok || found.user.disabled) {
      throw new AppError(ErrorCode.UNAUTHENTICATED, 'wrong login name or password');
    }
    await this.attempts.refund(keys);
    const now = this.deps.clock.now();
    const secret = randomBytes(32).toString('base64url');
    const session: SessionRecord = {
      userId: found.user.id,
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS).toISOString(),
    };
    await this.deps.store.createSession(sessionHash(secret), session, now);
    return { secret, session, user: found.user };
  }

  logout(secret: string): Promise<void> {
    return this.deps.store.deleteSession(sessionHash(secret));
  }

  session(secret: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
    return this.deps.store.findSession(sessionHash(secret), this.deps.clock.now());
  }
}
