import { randomUUID } from 'node:crypto';
import type { Clock } from '../../platform/clock.js';
import { AppError, type Problem } from '../../platform/errors.js';
import { type NotificationSettings, validateNotificationsSection } from '../config/index.js';
import type { EventStore, JsonObject, StoredEvent } from '../events/index.js';
import { NotificationEventKind } from './dispatch-state.js';
import { parseMatcher } from './matchers.js';
import { reduceSilence, type Silence, SilenceEventKind, type SilenceStatus, silenceStatus } from './silence.js';

export interface SilenceInput {
  matchers?: unknown;
  startsAt?: string;
  endsAt?: string;
  /** A duration such as 2h instead of endsAt. */
  duration?: string;
  comment?: string;
  createdBy?: string;
}

const DURATION = /^(\d+)(m|h|d)$/;
const UNIT: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Silences and notification settings: events in the log (so they are audited), read back by folding them. */
export class SilencesService {
  constructor(
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly options: { allowPrivateWebhooks: boolean },
  ) {}

  async list(project: string, status?: SilenceStatus): Promise<(Silence & { status: SilenceStatus })[]> {
    const silences = await this.#load();
    const now = this.clock.now().getTime();
    return Object.values(silences)
      .filter((s) => s.project === project)
      .map((s) => ({ ...s, status: silenceStatus(s, now) }))
      .filter((s) => status === undefined || s.status === status);
  }

  async get(project: string, id: string): Promise<Silence & { status: SilenceStatus }> {
    const found = (await this.list(project)).find((s) => s.id === id);
    if (found === undefined) throw AppError.notFound(`silence ${id}`);
    return found;
  }

  /** Validates everything at once (400 listing each problem), then appends `silence.created`. */
  async create(project: string, input: SilenceInput, actor: string): Promise<Silence & { status: SilenceStatus }> {
    const problems: Problem[] = [];
    const matchers = Array.isArray(input.matchers) ? input.matchers : [];
    if (matchers.length === 0) problems.push({ path: 'matchers', code: 'required', message: 'at least one matcher' });
    matchers.forEach((m, i) => {
      const parsed = typeof m === 'string' ? parseMatcher(m) : 'a matcher is a string such as alertname="X"';
      if (typeof parsed === 'string') problems.push({ path: `matchers[${i}]`, code: 'bad_matcher', message: parsed });
    });
    const now = this.clock.now().getTime();
    const startsAt = input.startsAt === undefined ? now : Date.parse(input.startsAt);
    if (Number.isNaN(startsAt)) problems.push({ path: 'startsAt', code: 'bad_date', message: 'an ISO 8601 time' });
    let endsAt = Number.NaN;
    if (input.endsAt !== undefined && input.duration !== undefined) {
      problems.push({ path: 'duration', code: 'conflict', message: 'give endsAt or duration, not both' });
    } else if (input.endsAt !== undefined) {
      endsAt = Date.parse(input.endsAt);
      if (Number.isNaN(endsAt)) problems.push({ path: 'endsAt', code: 'bad_date', message: 'an ISO 8601 time' });
    } else {
      const m = DURATION.exec(input.duration ?? '');
      if (m === null)
        problems.push({ path: 'duration', code: 'required', message: 'endsAt, or a duration: 30m, 2h, 1d' });
      else endsAt = startsAt + Number(m[1]) * UNIT[m[2]!]!;
    }
    if (!Number.isNaN(endsAt) && !Number.isNaN(startsAt) && endsAt <= Math.max(startsAt, now)) {
      problems.push({
        path: 'endsAt',
        code: 'in_the_past',
        message: 'the silence must end after it starts and after now',
      });
    }
    if (typeof input.comment !== 'string' || input.comment.trim() === '') {
      problems.push({ path: 'comment', code: 'required', message: 'say why (a comment is required)' });
    }
    if (problems.length > 0) throw AppError.validation('invalid silence', problems);
    const id = randomUUID();
    const payload: JsonObject = {
      project,
      id,
      matchers: matchers as string[],
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      createdBy: input.createdBy ?? actor,
      comment: (input.comment as string).trim(),
    };
    await this.events.append({ actor, kind: SilenceEventKind.created, subject: `silence:${project}/${id}`, payload });
    return this.get(project, id);
  }

  /** Ends a silence now. Expiring an expired silence changes nothing. */
  async expire(project: string, id: string, actor: string): Promise<Silence & { status: SilenceStatus }> {
    const silence = await this.get(project, id);
    if (silence.status === 'expired') return silence;
    await this.events.append({
      actor,
      kind: SilenceEventKind.expired,
      subject: `silence:${project}/${id}`,
      payload: { project, id, at: this.clock.now().toISOString() },
    });
    return this.get(project, id);
  }

  /** The project's settings as last configured, or null. */
  async settings(project: string): Promise<NotificationSettings | null> {
    const events = await this.events.read({
      kind: NotificationEventKind.configured,
      subject: `notifications:${project}`,
    });
    const last = events.at(-1);
    return (last?.payload.settings as NotificationSettings | null | undefined) ?? null;
  }

  /** Validates (400 with every problem) and appends `notifications.configured`. */
  async configure(project: string, body: unknown, actor: string): Promise<NotificationSettings> {
    const checked = validateNotificationsSection(body, { allowPrivateWebhooks: this.options.allowPrivateWebhooks }, '');
    if (!checked.ok) {
      const problems = checked.problems.map((p) => ({ ...p, path: p.path.replace(/^\./, '') }));
      throw AppError.validation('invalid notification settings', problems);
    }
    await this.events.append({
      actor,
      kind: NotificationEventKind.configured,
      subject: `notifications:${project}`,
      payload: { project, settings: checked.value as unknown as JsonObject },
    });
    return checked.value;
  }

  async #load(): Promise<Record<string, Silence>> {
    const [created, expired] = await Promise.all([
      this.events.read({ kind: SilenceEventKind.created }),
      this.events.read({ kind: SilenceEventKind.expired }),
    ]);
    const silences: Record<string, Silence> = {};
    const all: StoredEvent[] = [...created, ...expired].sort((a, b) => a.seq - b.seq);
    for (const event of all) reduceSilence(silences, event);
    return silences;
  }
}
