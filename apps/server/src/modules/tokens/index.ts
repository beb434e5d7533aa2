/**
 * Tokens: admin / client / frontend API tokens, stored as SHA-256 hashes in `token.*` events, and the
 * authenticator behind `requireAuth`.
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { Authenticator } from '../../platform/http.js';
import { RateLimiter, type RateLimitPolicy } from '../../platform/rate-limit.js';
import { type EventStore, HeadMovedError, type StoredEvent } from '../events/index.js';
import { createTokenAuthenticator } from './token-auth.js';
import type { TokenKind } from './token-secret.js';
import { TokenTable } from './tokens.reducer.js';
import { registerTokenRoutes } from './tokens.routes.js';
import { TokenService } from './tokens.service.js';

export { readCredential } from './token-auth.js';
export { generateSecret, hashSecret, kindOfSecret, looksLikeSecret, TOKEN_KINDS, TokenKind } from './token-secret.js';
export type { TokenAuth, TokenView } from './tokens.service.js';
export { TokenService } from './tokens.service.js';

/** Rate limits; `false` turns one off. */
export interface TokenRateLimits {
  perToken?: Partial<Record<TokenKind, RateLimitPolicy | false>>;
  failuresPerIp?: RateLimitPolicy | false;
}

/**
 * Defaults: admin tokens 200 burst / 50 per s (API and CLI use); client and frontend tokens 100,000 burst /
 * 50,000 per s (a runaway guard: a whole fleet of SDKs or browsers shares one token); 30 failed attempts per IP,
 * then 1 per second.
 */
export const DEFAULT_TOKEN_RATE_LIMITS: Required<TokenRateLimits> = {
  perToken: {
    admin: { capacity: 200, refillPerSecond: 50 },
    client: { capacity: 100_000, refillPerSecond: 50_000 },
    frontend: { capacity: 100_000, refillPerSecond: 50_000 },
  },
  failuresPerIp: { capacity: 30, refillPerSecond: 1 },
};

export interface TokensModuleDeps {
  events: Pick<EventStore, 'append' | 'read' | 'head'>;
  /**
   * Calls the listener with every batch of committed events, this replica's and other replicas' (the
   * projection's `onApplied`), so a revocation anywhere closes streams here. Returns unsubscribe.
   */
  follow(listener: (events: readonly StoredEvent[]) => void): () => void;
  clock: Clock;
  scopeExists(project: string, environment: string): { project: boolean; environment: boolean };
  rateLimits?: TokenRateLimits;
  onRateLimited?: (scope: 'token' | 'auth-failure') => void;
}

export interface TokensModule {
  service: TokenService;
  authenticator: Authenticator;
  /**
   * Loads the token events from the log and follows new ones. Then registers `adminSecret` (idempotent) and,
   * on a log where no admin token was ever created, creates the first one and returns its secret.
   */
  start(options?: { adminSecret?: string }): Promise<{ firstAdminToken?: string }>;
  registerRoutes(app: FastifyInstance): void;
  /** Stops following the log. */
  stop(): void;
}

export function createTokensModule(deps: TokensModuleDeps): TokensModule {
  const table = new TokenTable();
  const service = new TokenService({
    table,
    clock: deps.clock,
    scopeExists: deps.scopeExists,
    append: (event, options) => deps.events.append(event, options),
  });
  const limits = { ...DEFAULT_TOKEN_RATE_LIMITS, ...deps.rateLimits };
  const perTokenPolicies = { ...DEFAULT_TOKEN_RATE_LIMITS.perToken, ...deps.rateLimits?.perToken };
  const now = () => deps.clock.now().getTime();
  const perToken: Partial<Record<TokenKind, RateLimiter>> = {};
  for (const [kind, policy] of Object.entries(perTokenPolicies)) {
    if (policy) perToken[kind as TokenKind] = new RateLimiter(policy, now);
  }
  const authenticator = createTokenAuthenticator(service, {
    perToken,
    ...(limits.failuresPerIp ? { failuresPerIp: new RateLimiter(limits.failuresPerIp, now) } : {}),
    ...(deps.onRateLimited ? { onLimited: deps.onRateLimited } : {}),
  });
  let unsubscribe: (() => void) | undefined;
  const applyAll = (events: readonly StoredEvent[]) => {
    for (const event of events) service.applyEvent(event);
  };

  return {
    service,
    authenticator,
    async start(options = {}) {
      unsubscribe = deps.follow(applyAll);
      const load = async (): Promise<number> => {
        const head = (await deps.events.head()).seq;
        const [created, revoked] = await Promise.all([
          deps.events.read({ kind: 'token.created', untilSeq: head }),
          deps.events.read({ kind: 'token.revoked', untilSeq: head }),
        ]);
        applyAll([...created, ...revoked].sort((a, b) => a.seq - b.seq));
        return head;
      };
      let head = await load();
      // Another replica may append between load and create: then reload and decide again.
      for (let attempt = 0; ; attempt++) {
        try {
          if (options.adminSecret !== undefined) await service.registerAdminSecret(options.adminSecret, head);
          const firstAdminToken = await service.createFirstAdminToken(head);
          return firstAdminToken === undefined ? {} : { firstAdminToken };
        } catch (error) {
          if (!(error instanceof HeadMovedError) || attempt >= 20) throw error;
          head = await load();
        }
      }
    },
    registerRoutes(app) {
      registerTokenRoutes(app, service);
    },
    stop() {
      unsubscribe?.();
    },
  };
}
