-- Metrics the SDKs post (POST /api/client/metrics), merged per environment × flag × window × variant × arm × metric.
-- window_start: epoch ms, a multiple of 10 000. arm: treatment | control | none. units: HyperLogLog registers
-- (p = 10, one byte each). latency: the core's LatencySketch JSON (docs/statistics.md), for metric $requests.
CREATE TABLE metric_buckets (
  project      text NOT NULL,
  environment  text NOT NULL,
  flag         text NOT NULL,
  window_start bigint NOT NULL,
  variant      text NOT NULL,
  arm          text NOT NULL CHECK (arm IN ('treatment', 'control', 'none')),
  metric       text NOT NULL,
  count        bigint NOT NULL DEFAULT 0,
  errors       bigint NOT NULL DEFAULT 0,
  sum          double precision NOT NULL DEFAULT 0,
  sum_squares  double precision NOT NULL DEFAULT 0,
  units        bytea,
  latency      jsonb,
  updated_at   timestamptz NOT NULL,
  PRIMARY KEY (project, environment, flag, window_start, variant, arm, metric)
);

-- Batch ids already merged (idempotency), per environment; purged after a day.
CREATE TABLE metric_batches (
  project     text NOT NULL,
  environment text NOT NULL,
  batch_id    text NOT NULL,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (project, environment, batch_id)
);
CREATE INDEX metric_batches_received_at ON metric_batches (received_at);
