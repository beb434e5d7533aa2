-- Notification delivery (docs/alerting.md "Delivery", ADR 0011).
-- The dispatcher's position in the event log and its state (alerts, groups, settings, silences as a JSON document),
-- written in the same transaction as the outbox rows it produces: a crash loses nothing and repeats nothing.
CREATE TABLE notification_dispatch (
  id         integer PRIMARY KEY CHECK (id = 1),
  cursor     bigint NOT NULL,
  state      json NOT NULL,
  updated_at timestamptz NOT NULL
);

-- The outbox: one row per notification to one receiver. dedup_key is stable across retries and redeliveries.
-- status: pending (to send, at next_attempt_at) | delivered | dead (dead letter: gave up after max attempts, or a
-- failure that retrying cannot fix).
CREATE TABLE notification_outbox (
  id              bigserial PRIMARY KEY,
  dedup_key       text NOT NULL UNIQUE,
  project         text NOT NULL,
  receiver        text NOT NULL,
  payload         json NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_outbox_dead ON notification_outbox (project, id) WHERE status = 'dead';

-- Circuit breaker per receiver (`project/receiver`), so a restart or a new leader keeps an open breaker open.
CREATE TABLE notification_breakers (
  receiver   text PRIMARY KEY,
  state      text NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
  failures   integer NOT NULL,
  opened_at  timestamptz,
  updated_at timestamptz NOT NULL
);
