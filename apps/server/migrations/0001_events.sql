-- The event log: the source of truth and the audit trail. Appends are serialised, so seq order is commit order.
-- hash = sha256hex(prev_hash || E'\n' || canonicalJson({seq, time, actor, kind, subject, payload})).
CREATE TABLE events (
  seq       bigint PRIMARY KEY,
  time      timestamptz NOT NULL,
  actor     text NOT NULL,
  kind      text NOT NULL,
  subject   text NOT NULL,
  payload   json NOT NULL,   -- json, not jsonb: keeps the text (key order) exactly as written
  prev_hash text NOT NULL,
  hash      text NOT NULL
);
CREATE INDEX events_subject_seq ON events (subject, seq);
CREATE INDEX events_kind_seq ON events (kind, seq);
CREATE INDEX events_actor_seq ON events (actor, seq);
CREATE INDEX events_time ON events (time);

-- Projection snapshots for a fast start: the whole projection state as of event `seq`.
CREATE TABLE projection_snapshots (
  seq        bigint PRIMARY KEY,
  format     integer NOT NULL,
  state      json NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
