-- Users and sessions (docs/users.md, ADR 0013).
-- PII lives only in `people`, keyed by the opaque user id; events name users as `user:<id>` and never carry a
-- login name, display name or e-mail, so erasing a person (blanking their row) leaves the event hash chain valid.
CREATE TABLE people (
  id         text PRIMARY KEY,
  login      text,
  name       text,
  email      text,
  erased_at  timestamptz
);
-- Login names are unique ignoring case (sign-in looks them up case-insensitively).
CREATE UNIQUE INDEX people_login ON people (lower(login));

-- Credentials and role. The password hash (argon2id, PHC string) never enters the event log.
CREATE TABLE users (
  id            text PRIMARY KEY REFERENCES people (id),
  role          text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);

-- Sessions: the cookie carries a random secret; only its SHA-256 is stored. csrf_token is the synchronizer token the
-- dashboard echoes in X-CSRF-Token on every state-changing request.
CREATE TABLE user_sessions (
  id_hash    text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (id),
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
