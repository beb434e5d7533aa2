import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/clock.js';
import type { Db } from '../../platform/db.js';
import { translateDbError } from '../../platform/db.js';
import { requireAuth } from '../../platform/http.js';
import { adminSchema } from '../projection/index.js';
import { createBackup } from './backup.service.js';

/** `GET /api/v1/backup` (admin): the backup file of `createBackup`, as an attachment. */
export function registerBackupRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  app.get(
    '/api/v1/backup',
    {
      preHandler: requireAuth('admin'),
      schema: adminSchema(
        'operations',
        'A consistent backup of the event log and settings (JSON lines with a SHA-256 trailer)',
      ),
    },
    async (_request, reply) => {
      let text: string;
      try {
        text = await createBackup(deps.db, deps.clock.now());
      } catch (error) {
        throw translateDbError(error, 'backup');
      }
      const name = `wavegate-backup-${deps.clock.now().toISOString().replaceAll(':', '-')}.jsonl`;
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(text);
    },
  );
}
