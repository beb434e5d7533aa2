import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TokenKind } from '../../platform/http.js';

/** Admin tokens manage everything; client and frontend tokens read one environment (the platform's kinds). */
export { TokenKind };

export const TOKEN_KINDS: readonly TokenKind[] = Object.values(TokenKind);

/** 32 random bytes = 256 bits of entropy; base64url keeps the secret header- and shell-safe. */
const SECRET_BYTES = 32;

/** A secret reads `wg_<kind>_<base64url>` so a leaked string is recognisable (and greppable by scanners). */
export function secretPrefix(kind: TokenKind): string {
  return `wg_${kind}_`;
}

/** A fresh secret for `kind`. `random` is injectable for tests; it must return `n` cryptographically random bytes. */
export function generateSecret(kind: TokenKind, random: (n: number) => Buffer = randomBytes): string {
  return secretPrefix(kind) + random(SECRET_BYTES).toString('base64url');
}

/** The kind a secret claims by its prefix, or undefined when it has none of ours. The hash decides the rest. */
export function kindOfSecret(secret: string): TokenKind | undefined {
  for (const kind of TOKEN_KINDS) {
    if (secret.startsWith(secretPrefix(kind))) return kind;
  }
  return undefined;
}

/** Hex SHA-256 of the secret: the only form of a secret that is ever stored or put in an event. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/**
 * Constant-time comparison of two hex SHA-256 hashes. Both sides are fixed-length digests, so the comparison
 * time does not depend on how much of a guessed secret was right.
 */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  if (left.length !== 32 || right.length !== 32) return false;
  return timingSafeEqual(left, right);
}

/** Whether a string is shaped like a secret we issued (prefix + ≥ 43 base64url characters). */
export function looksLikeSecret(secret: string): boolean {
  const kind = kindOfSecret(secret);
  if (!kind) return false;
  return /^[A-Za-z0-9_-]{43,}$/.test(secret.slice(secretPrefix(kind).length));
}
