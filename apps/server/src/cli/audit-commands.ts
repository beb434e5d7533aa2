import { ApiClient, type ServerOptions } from './api-client.js';
import { type CliIo, ExitCode } from './io.js';

/** What the chain check answers (`GET /api/v1/audit/verify`, or `verifyChain(db)`). */
export interface VerifyReport {
  ok: boolean;
  checked: number;
  firstBroken?: { seq: number; reason: string };
}

export function formatVerify(report: VerifyReport): string {
  if (report.ok) return `Audit chain intact: ${report.checked} event${report.checked === 1 ? '' : 's'} checked.\n`;
  const broken = report.firstBroken;
  return `Audit chain BROKEN${broken === undefined ? '' : ` at event ${broken.seq}: ${broken.reason}`} (${report.checked} checked).\n`;
}

export interface AuditVerifyOptions extends ServerOptions {
  json?: boolean;
}

/** `wavegate audit verify`: 0 when every event's hash chains to the previous one, 1 naming the first broken event. */
export async function auditVerifyCommand(options: AuditVerifyOptions, io: CliIo): Promise<number> {
  const report = (await new ApiClient(options, io).request('GET', '/api/v1/audit/verify')) as VerifyReport;
  const text = options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatVerify(report);
  if (report.ok) io.stdout(text);
  else io.stderr(text);
  return report.ok ? ExitCode.ok : ExitCode.failure;
}
