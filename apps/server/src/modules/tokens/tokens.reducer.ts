import type { TokenKind } from './token-secret.js';

/** A token as the server knows it. The secret itself is never kept: only its SHA-256 `hash`. */
export interface TokenRecord {
  readonly id: string;
  readonly kind: TokenKind;
  readonly name: string;
  readonly project?: string;
  readonly environment?: string;
  /** ISO 8601; absent = never expires. */
  readonly expiresAt?: string;
  readonly hash: string;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly revokedAt?: string;
  readonly revokedBy?: string;
  /** seq of the last event that touched this token. */
  readonly version: number;
}

/** The minimal view of a stored event this table reads. */
export interface TokenEventInput {
  seq: number;
  time: string;
  actor: string;
  kind: string;
  payload: unknown;
}

interface CreatedPayload {
  id: string;
  kind: TokenKind;
  name: string;
  project?: string;
  environment?: string;
  expiresAt?: string;
  hash: string;
}

/**
 * The token projection, folded from `token.created` / `token.revoked` events. Records are immutable values;
 * the table replaces them. `apply` is idempotent per event (a token is created once and revoked once), so the
 * same event may arrive twice — applied right after its own append and again from the event subscription —
 * and in any interleaving with other events.
 */
export class TokenTable {
  private readonly byId = new Map<string, TokenRecord>();
  private readonly byHash = new Map<string, TokenRecord>();
  /** Whether an admin token was ever created (a new data directory has none and gets a first one). */
  adminEverCreated = false;

  /** Applies one event; returns the record it changed, if any (undefined for other kinds and repeats). */
  apply(event: TokenEventInput): TokenRecord | undefined {
    if (event.kind === 'token.created') return this.created(event, event.payload as CreatedPayload);
    if (event.kind === 'token.revoked') return this.revoked(event, (event.payload as { id: string }).id);
    return undefined;
  }

  get(id: string): TokenRecord | undefined {
    return this.byId.get(id);
  }

  findByHash(hash: string): TokenRecord | undefined {
    return this.byHash.get(hash);
  }

  /** All tokens, oldest first. */
  list(): TokenRecord[] {
    return [...this.byId.values()];
  }

  private created(event: TokenEventInput, p: CreatedPayload): TokenRecord | undefined {
    if (this.byId.has(p.id)) return undefined;
    const record: TokenRecord = {
      id: p.id,
      kind: p.kind,
      name: p.name,
      ...(p.project !== undefined ? { project: p.project } : {}),
      ...(p.environment !== undefined ? { environment: p.environment } : {}),
      ...(p.expiresAt !== undefined ? { expiresAt: p.expiresAt } : {}),
      hash: p.hash,
      createdAt: event.time,
      createdBy: event.actor,
      version: event.seq,
    };
    this.put(record);
    if (record.kind === 'admin') this.adminEverCreated = true;
    return record;
  }

  private revoked(event: TokenEventInput, id: string): TokenRecord | undefined {
    const current = this.byId.get(id);
    if (!current || current.revokedAt) return undefined;
    const record: TokenRecord = { ...current, revokedAt: event.time, revokedBy: event.actor, version: event.seq };
    this.put(record);
    return record;
  }

  private put(record: TokenRecord): void {
    this.byId.set(record.id, record);
    this.byHash.set(record.hash, record);
  }
}
