#!/usr/bin/env bash
# Start a throwaway PostgreSQL + PostGIS cluster for the store tests, from Debian's packages.
#
#   bash scripts/postgres.sh          # install if missing, start; prints the SQLAlchemy URL
#   bash scripts/postgres.sh stop     # stop it and remove its folder
#
# The cluster listens only on a Unix socket in its folder (no TCP port), trusts local users and
# holds one database, patrol_test, with PostGIS. The test suite uses it when
# PATROL_TEST_PG_URL is set (export the URL this script prints) or when the socket exists in the
# default folder. Folder: $PATROL_PG_DIR (default /tmp/patrol-pg); port number (socket name):
# $PATROL_PG_PORT (default 54329); server programs: $PATROL_PG_BIN (default Debian's). The
# packages are installed only when missing, without upgrading anything already installed
# (PATROL_TEST_INSTALL=0: never; the script then fails when they are missing).
set -euo pipefail
dir="${PATROL_PG_DIR:-/tmp/patrol-pg}"
port="${PATROL_PG_PORT:-54329}"
bin="${PATROL_PG_BIN:-/usr/lib/postgresql/15/bin}"
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi  # postgres refuses to run as root

if [ "${1:-start}" = stop ]; then
  if [ -d "$dir/data" ]; then "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop || true; fi
  rm -rf "$dir"
  exit 0
fi

if [ ! -x "$bin/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  if [ "${PATROL_TEST_INSTALL:-1}" != 1 ]; then
    echo "PostgreSQL 15 or PostGIS not installed ($bin/initdb) and installing is off" >&2
    exit 1
  fi
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-upgrade \
    --no-install-recommends postgresql-15 postgresql-15-postgis-3 >&2
fi
if [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL server programs not found in $bin" >&2
  exit 1
fi

mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
if [ ! -f "$dir/data/PG_VERSION" ]; then
  "${as_pg[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
    -o "-p $port -k $dir -c listen_addresses='' -c fsync=on -c max_connections=200" >/dev/null
fi
psql=("${as_pg[@]}" "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -qAt)
if [ "$("${psql[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'patrol_test'")" != 1 ]; then
  "${psql[@]}" -d postgres -c "CREATE DATABASE patrol_test"
fi
PGOPTIONS="-c client_min_messages=warning" "${psql[@]}" -d patrol_test \
  -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
echo "postgresql+psycopg://postgres@/patrol_test?host=$dir&port=$port"
