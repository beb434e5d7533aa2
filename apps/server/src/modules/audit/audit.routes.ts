import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.js';
import { requireAuth } from '../../platform/http.js';
import type { EventFilter, EventStore, StoredEvent } from '../events/index.js';
import { adminSchema, ref } from '../projection/index.js';
import { verifyEventLog } from './chain-verify.js';

interface EventsQuery {
  subject?: string;
  actor?: string;
  kind?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

function parseTime(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw AppError.validation(`${name} is not a time`, [
      { path: name, code: 'bad_date', message: 'an ISO 8601 time is expected, e.g. 2026-01-31T12:00:00Z' },
    ]);
  }
  return new Date(ms).toISOString();
}

function parseCursor(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,15}$/.test(cursor)) {
    throw AppError.validation('bad cursor', [
      { path: 'cursor', code: 'bad_cursor', message: 'use the nextCursor of a previous page' },
    ]);
  }
  return Number(cursor);
}

export function registerAuditRoutes(app: FastifyInstance, events: EventStore): void {
  const admin = requireAuth('admin');

  app.get<{ Querystring: EventsQuery }>(
    '/api/v1/events',
    {
      preHandler: admin,
      schema: adminSchema('events', 'List events (oldest first), with filters and cursor paging', {
        response: {
          200: {
            type: 'object',
            properties: {
              events: { type: 'array', items: ref('Event') },
              nextCursor: { type: ['string', 'null'], description: 'pass as cursor for the next page' },
            },
          },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            subject: { type: 'string', maxLength: 300, description: 'e.g. flag:shop/checkout-v2' },
            actor: { type: 'string', maxLength: 300, description: 'e.g. token:abc' },
            kind: { type: 'string', maxLength: 100, description: 'e.g. flag.updated' },
            from: { type: 'string', description: 'ISO 8601, inclusive' },
            to: { type: 'string', description: 'ISO 8601, exclusive' },
            cursor: { type: 'string', description: 'nextCursor of the previous page' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
      }),
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      const filter: EventFilter = { limit: limit + 1 };
      if (q.subject !== undefined) filter.subject = q.subject;
      if (q.actor !== undefined) filter.actor = q.actor;
      if (q.kind !== undefined) filter.kind = q.kind;
      const from = parseTime(q.from, 'from');
      const to = parseTime(q.to, 'to');
      const after = parseCursor(q.cursor);
      if (from !== undefined) filter.from = from;
      if (to !== undefined) filter.to = to;
      if (after !== undefined) filter.afterSeq = after;
      const page: StoredEvent[] = await events.read(filter);
      const more = page.length > limit;
      const shown = more ? page.slice(0, limit) : page;
      return { events: shown, nextCursor: more ? String(shown.at(-1)!.seq) : null };
    },
  );

  app.get(
    '/api/v1/audit/verify',
    {
      preHandler: admin,
      schema: adminSchema('events', 'Verify the hash chain of the whole event log', {
        response: {
          200: {
            type: 'object',
            properties: {
              ok: { type: 'boolean' },
              checked: { type: 'integer' },
              firstBroken: {
                type: 'object',
                properties: {
                  seq: { type: 'integer' },
                  reason: { type: 'string', enum: ['seq_gap', 'prev_hash_mismatch', 'hash_mismatch'] },
                  message: { type: 'string' },
                },
              },
            },
          },
        },
      }),
    },
    async () => verifyEventLog(events),
  );
}
