/** The server's `Retry-After` (seconds) in ms, or 0 when absent or invalid. */
export function retryAfterMs(res: Response): number {
  const s = Number(res.headers.get('retry-after'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : 0;
}

/** The delay before retry number `failures` (≥ 1): exponential from `initialMs`, capped at `maxMs`, jittered. */
export function backoffDelay(failures: number, initialMs: number, maxMs: number, random: () => number): number {
  // Equal jitter: half the bound plus a random half, so a retry never comes at once.
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(failures - 1, 30));
  return Math.floor(cap / 2 + (random() * cap) / 2);
}
