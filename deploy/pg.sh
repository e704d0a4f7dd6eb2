#!/usr/bin/env bash
# Owns one local PostgreSQL cluster for this project: create, start, stop, report.
#
#   deploy/pg.sh start    initdb on first use, start on loopback, create the database
#   deploy/pg.sh stop     fast shutdown
#   deploy/pg.sh kill     immediate shutdown (a crash, for fault tests)
#   deploy/pg.sh status   exit 0 when running
#   deploy/pg.sh url      print the Npgsql connection string
#
# RECT_PG_DIR  folder for this cluster's files (default: <repo>/.data/pg, ignored by git)
# RECT_PG_STATEMENTS  set (to anything) to load pg_stat_statements, planning tracked too: the
#              benchmark reads where PostgreSQL's time goes per statement (docs/benchmarks.md)
# RECT_PG_PORT port to listen on (default: the one used last time if free, else a free one)
# RECT_PG_HUGE_PAGES  set (to anything) to put the cluster's shared memory on 2 MiB huge pages: as
#              root, start reserves as many as PostgreSQL says it needs on top of those already
#              reserved, and stop gives them back; without root or when the kernel cannot find them,
#              the cluster starts on ordinary pages and says so. The benchmark sets it (see
#              docs/benchmarks.md, session 22: it keeps shared buffers out of the kernel's memory
#              sampler, which walks every backend's mapping of each page it samples).
#
# initdb and postgres refuse to run as root, so as root they run as the `postgres` user. When that
# user cannot reach RECT_PG_DIR (a clone inside a mode-700 folder), the cluster itself lives under
# /var/tmp and RECT_PG_DIR keeps only the port, password and connection string.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m "${RECT_PG_DIR:-$repo/.data/pg}")
db=rectification

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$b" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "PostgreSQL binaries not found; installing postgresql-15" >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
    b=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  [ -n "$b" ] || { echo "PostgreSQL binaries not found (set PG_BIN)" >&2; exit 1; }
  echo "$b"
}

# From /, so a working directory the postgres user cannot enter does not matter.
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Ports are picked below the kernel's ephemeral range (outgoing connections take theirs from it, and
# one in TIME-WAIT would pass the free test and then fail the bind), so nothing else can hold them.
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
[ "$ephemeral_low" -gt 11000 ] 2>/dev/null || ephemeral_low=32768
pick_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 10000 + RANDOM % (ephemeral_low - 10000) ))
    if port_free "$p"; then echo "$p"; return; fi
  done
  echo "no free port found" >&2; exit 1
}

# Huge pages for the cluster's shared memory, recorded in $dir/huge-pages (deploy/hugepages.sh).
release_huge_pages() { "$repo/deploy/hugepages.sh" release "$dir/huge-pages"; }

# Where the cluster's data files live: inside $dir when postgres can reach it, else under /var/tmp.
cluster_dir() {
  if [ -f "$dir/cluster-path" ]; then realpath -m "$(cat "$dir/cluster-path")"; return; fi
  local c="$dir/cluster"
  if [ "$(id -u)" = 0 ]; then
    mkdir -p "$c"; chown postgres: "$c"
    if ! runuser -u postgres -- test -w "$c"; then
      rmdir "$c"
      c="/var/tmp/rectification-pg/$(printf '%s' "$dir" | sha1sum | cut -c1-16)"
      mkdir -p "$c"; chown postgres: "$c"; chmod 700 "$c"
      chmod 711 /var/tmp/rectification-pg
    fi
  fi
  echo "$c" > "$dir/cluster-path"
  echo "$c"
}

connection_string() {
  echo "Host=127.0.0.1;Port=$(cat "$dir/port");Database=$db;Username=postgres;Password=$(cat "$dir/password")"
}

psql_admin() {
  PGPASSWORD=$(cat "$dir/password") "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$(cat "$dir/port")" -U postgres "$@"
}

start() {
  mkdir -p "$dir"
  local bin cdir
  bin=$(pg_bin)
  cdir=$(cluster_dir)
  if [ ! -f "$cdir/PG_VERSION" ]; then
    # A fresh password per cluster: secrets never live in the repo.
    [ -f "$dir/password" ] || { head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$dir/password"; chmod 600 "$dir/password"; }
    local pw; pw=$(mktemp)
    cp "$dir/password" "$pw"; if [ "$(id -u)" = 0 ]; then chown postgres: "$pw"; fi
    as_pg "$bin/initdb" -D "$cdir" -U postgres --pwfile="$pw" --auth=scram-sha-256 \
      -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$pw"
  fi
  if as_pg "$bin/pg_ctl" -D "$cdir" status >/dev/null 2>&1; then
    echo "PostgreSQL already running on port $(cat "$dir/port")" >&2
  else
    local port=${RECT_PG_PORT:-}
    if [ -z "$port" ]; then
      port=$(cat "$dir/port" 2>/dev/null || true)
      if [ -z "$port" ] || [ "$port" -ge "$ephemeral_low" ] || ! port_free "$port"; then port=$(pick_port); fi
    fi
    echo "$port" > "$dir/port"
    # Loopback only, no unix socket (its default folder may not exist or be writable here).
    local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=300 -c shared_buffers=256MB${RECT_PG_STATEMENTS:+ -c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on}"
    release_huge_pages   # left by a cluster that was not stopped through this script
    if [ -n "${RECT_PG_HUGE_PAGES:-}" ]; then
      local pages on=""
      # PostgreSQL 15 computes its own need for the settings it will run with.
      pages=$(as_pg "$bin/postgres" -D "$cdir" -C shared_memory_size_in_huge_pages $opts 2>/dev/null || true)
      if [ "${pages:-0}" -gt 0 ] 2>/dev/null; then on=$("$repo/deploy/hugepages.sh" reserve "$pages" "$dir/huge-pages"); fi
      if [ "$on" = on ]; then opts="$opts -c huge_pages=on"
      else echo "PostgreSQL: no huge pages could be reserved (needs root and ${pages:-?} free 2 MiB pages); ordinary pages" >&2; fi
    fi
    as_pg "$bin/pg_ctl" -D "$cdir" -l "$cdir/server.log" -w -t 60 -o "$opts" \
      start >/dev/null || { release_huge_pages; tail -n 30 "$cdir/server.log" >&2; exit 1; }
  fi
  if [ -z "$(psql_admin -d postgres -tAc "select 1 from pg_database where datname='$db'")" ]; then
    psql_admin -d postgres -c "create database $db"
  fi
  connection_string > "$dir/url"
  chmod 600 "$dir/url"
  echo "PostgreSQL ready on 127.0.0.1:$(cat "$dir/port") (data: $cdir)" >&2
}

stop() {
  [ -f "$dir/cluster-path" ] || return 0
  local cdir; cdir=$(cluster_dir)
  if as_pg "$(pg_bin)/pg_ctl" -D "$cdir" status >/dev/null 2>&1; then
    as_pg "$(pg_bin)/pg_ctl" -D "$cdir" -m fast -w stop >/dev/null
    echo "PostgreSQL stopped" >&2
  fi
  release_huge_pages
}

# A hard stop, as a crash or a yanked plug would leave it: no checkpoint, clients cut off.
kill_now() {
  [ -f "$dir/cluster-path" ] || return 0
  local cdir; cdir=$(cluster_dir)
  as_pg "$(pg_bin)/pg_ctl" -D "$cdir" -m immediate -w stop >/dev/null 2>&1 || true
  echo "PostgreSQL stopped hard" >&2
  release_huge_pages
}

status() {
  [ -f "$dir/cluster-path" ] || exit 1
  as_pg "$(pg_bin)/pg_ctl" -D "$(cluster_dir)" status >/dev/null 2>&1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  kill) kill_now ;;
  status) status ;;
  url) connection_string ;;
  *) echo "usage: $0 start|stop|kill|status|url" >&2; exit 2 ;;
esac
