#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for the test suite and prints its URL.
# Usage: eval "$(scripts/test-postgres.sh start)"   # exports TEST_DATABASE_URL
#        scripts/test-postgres.sh stop
# Installs Debian's postgresql when the server binaries are missing. Data lives in $PGTEST_DIR (default /tmp/wavegate-pgtest).
set -euo pipefail
cmd=${1:-start}
dir=${PGTEST_DIR:-/tmp/wavegate-pgtest}
port=${PGTEST_PORT:-54329}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ "$cmd" = stop ]; then
  [ -n "$bin" ] && [ -d "$dir/data" ] && as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  exit 0
fi

if [ -z "$bin" ] || [ ! -x "$bin/postgres" ]; then
  echo "installing postgresql…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home /var/lib/postgresql postgres
fi
if as_pg "$bin/pg_isready" -h 127.0.0.1 -p "$port" >/dev/null 2>&1; then
  echo "export TEST_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:$port/postgres"
  exit 0
fi
rm -rf "$dir" && mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres "$dir"
as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 >"$dir/initdb.log" 2>&1
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-h 127.0.0.1 -p $port -k $dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
echo "export TEST_DATABASE_URL=postgres://postgres:postgres@127.0.0.1:$port/postgres"
