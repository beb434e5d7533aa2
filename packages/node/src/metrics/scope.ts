import { AsyncLocalStorage } from 'node:async_hooks';
import type { ArmIndex } from './window.js';

/**
 * What one request's unit was served: distinct flag × variant × arm triples, in parallel arrays (a request
 * evaluates few flags; a linear scan beats a map here).
 */
export class RequestScope {
  readonly flags: string[] = [];
  readonly variants: string[] = [];
  readonly arms: ArmIndex[] = [];
  /** Set when the handler threw (or its promise rejected). */
  threw = false;

  constructor(readonly startedAt: number) {}

  /** Note a served variant once per request. */
  add(flag: string, variant: string, arm: ArmIndex): void {
    const flags = this.flags;
    for (let i = 0; i < flags.length; i++) {
      if (flags[i] === flag && this.variants[i] === variant && this.arms[i] === arm) return;
    }
    flags.push(flag);
    this.variants.push(variant);
    this.arms.push(arm);
  }
}

/** The async-local request scope shared by the middleware and the client's evaluation path. */
export const requestScopes = new AsyncLocalStorage<RequestScope>();
