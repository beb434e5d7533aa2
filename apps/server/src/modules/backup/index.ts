/** Backups: a consistent export of the event log and settings (`GET /api/v1/backup`, `wavegate backup`) and restore. */

export { registerBackupRoutes } from './backup.routes.js';
export { createBackup, type RestoreReport, restoreBackup } from './backup.service.js';
export { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader, decodeBackup } from './backup-format.js';
