import { compileMatchers, matchesAll } from './matchers.js';

/** Event kinds of silences (subject `silence:<project>/<id>`, actor = who created or expired it). */
export const SilenceEventKind = {
  created: 'silence.created',
  expired: 'silence.expired',
} as const;

/** A silence: mutes the project's alerts whose labels match all matchers, from startsAt until endsAt. */
export interface Silence {
  id: string;
  project: string;
  matchers: string[];
  /** ISO 8601. */
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  createdAt: string;
  /** Set when expired early (endsAt is then that moment). */
  expiredBy: string | null;
}

export type SilenceStatus = 'pending' | 'active' | 'expired';

export function silenceStatus(silence: Silence, now: number): SilenceStatus {
  if (Date.parse(silence.endsAt) <= now) return 'expired';
  return Date.parse(silence.startsAt) > now ? 'pending' : 'active';
}

/** Folds silence events into a map by `project/id`. Unknown ids in `expired` are ignored. */
export function reduceSilence(
  silences: Record<string, Silence>,
  event: { kind: string; actor: string; time: string; payload: Record<string, unknown> },
): void {
  const p = event.payload;
  const key = `${String(p.project)}/${String(p.id)}`;
  if (event.kind === SilenceEventKind.created) {
    silences[key] = {
      id: String(p.id),
      project: String(p.project),
      matchers: (p.matchers as string[]) ?? [],
      startsAt: String(p.startsAt),
      endsAt: String(p.endsAt),
      createdBy: String(p.createdBy ?? event.actor),
      comment: String(p.comment ?? ''),
      createdAt: event.time,
      expiredBy: null,
    };
  } else if (event.kind === SilenceEventKind.expired) {
    const existing = silences[key];
    if (existing === undefined) return;
    const at = String(p.at ?? event.time);
    silences[key] = {
      ...existing,
      endsAt: Date.parse(at) < Date.parse(existing.endsAt) ? at : existing.endsAt,
      expiredBy: event.actor,
    };
  }
}

/** True when an active silence of the alert's project matches its labels. */
export function isSilenced(
  silences: Readonly<Record<string, Silence>>,
  project: string,
  labels: Record<string, string>,
  now: number,
): boolean {
  return Object.values(silences).some(
    (s) =>
      s.project === project && silenceStatus(s, now) === 'active' && matchesAll(compileMatchers(s.matchers), labels),
  );
}
