import { type Db, toNumber, translateDbError } from '../../platform/db.js';
import type { DomainState } from './state.js';

/** Bump when DomainState's shape or a reducer's meaning changes: older snapshots are then ignored (full replay). */
export const PROJECTION_FORMAT = 1;

/** Saved projection states, for a fast start. Saving is idempotent per seq. */
export interface ProjectionSnapshotStore {
  latest(format: number): Promise<{ seq: number; state: DomainState } | undefined>;
  save(seq: number, format: number, state: DomainState): Promise<void>;
}

export class MemoryProjectionSnapshotStore implements ProjectionSnapshotStore {
  readonly saved: { seq: number; format: number; json: string }[] = [];

  async latest(format: number): Promise<{ seq: number; state: DomainState } | undefined> {
    const found = this.saved.filter((s) => s.format === format).sort((a, b) => b.seq - a.seq)[0];
    return found === undefined ? undefined : { seq: found.seq, state: JSON.parse(found.json) as DomainState };
  }

  async save(seq: number, format: number, state: DomainState): Promise<void> {
    if (!this.saved.some((s) => s.seq === seq)) this.saved.push({ seq, format, json: JSON.stringify(state) });
  }
}

export class SqlProjectionSnapshotStore implements ProjectionSnapshotStore {
  constructor(
    private readonly db: Db,
    /** How many snapshots to keep. */
    private readonly keep = 3,
  ) {}

  async latest(format: number): Promise<{ seq: number; state: DomainState } | undefined> {
    try {
      const result = await this.db.query<{ seq: unknown; state: DomainState | string }>(
        'SELECT seq, state FROM projection_snapshots WHERE format = $1 ORDER BY seq DESC LIMIT 1',
        [format],
      );
      const row = result.rows[0];
      if (row === undefined) return undefined;
      const state = typeof row.state === 'string' ? (JSON.parse(row.state) as DomainState) : row.state;
      return { seq: toNumber(row.seq), state };
    } catch (error) {
      throw translateDbError(error, 'read projection snapshot');
    }
  }

  async save(seq: number, format: number, state: DomainState): Promise<void> {
    try {
      await this.db.transaction(async (tx) => {
        await tx.query(
          'INSERT INTO projection_snapshots (seq, format, state) VALUES ($1, $2, $3::json) ON CONFLICT (seq) DO NOTHING',
          [seq, format, JSON.stringify(state)],
        );
        await tx.query(
          'DELETE FROM projection_snapshots WHERE seq NOT IN (SELECT seq FROM projection_snapshots ORDER BY seq DESC LIMIT $1)',
          [this.keep],
        );
      });
    } catch (error) {
      throw translateDbError(error, 'save projection snapshot');
    }
  }
}
