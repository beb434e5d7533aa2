-- Failed dashboard sign-ins, shared by every replica (docs/users.md "Login rate limits").
-- One row per key and fixed window: `ip:<sha256 of the address, IPv6 by /64>` or `login:<sha256 of the lower-cased
-- login name>`, so no login name or address is stored in clear. A sign-in takes one count from each of its two
-- keys in one INSERT … ON CONFLICT statement before the password is checked (concurrent attempts cannot all pass
-- the check), and gives it back when it succeeds or is refused: `failures` counts failed password checks (and
-- those in flight) in the window. Rows whose window has ended are swept.
CREATE TABLE login_attempts (
  key         text PRIMARY KEY,
  failures    integer NOT NULL CHECK (failures >= 0),
  window_ends timestamptz NOT NULL
);
CREATE INDEX login_attempts_window_ends ON login_attempts (window_ends);
