import { Gauge, type Registry } from 'prom-client';

/**
 * `wavegate_leader{loop}`: 1 on the replica that runs that loop now, 0 elsewhere. Summed over replicas it must be
 * exactly 1 for `release` and `notifications` (deploy/prometheus/alerts.yml: WavegateNoLeader, WavegateSplitLeader).
 * Read at scrape time, so it is never stale.
 */
export function recordLeadership(registry: Registry, loops: Record<string, () => boolean>): void {
  new Gauge({
    name: 'wavegate_leader',
    help: 'Whether this replica runs the loop (release, notifications): 1 or 0',
    labelNames: ['loop'],
    registers: [registry],
    collect() {
      for (const [loop, running] of Object.entries(loops)) this.set({ loop }, running() ? 1 : 0);
    },
  });
}
