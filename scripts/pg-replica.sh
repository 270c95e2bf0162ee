#!/usr/bin/env bash
# A throw-away streaming replica of a local PostgreSQL primary, for the replica tests (core/tests/test_replica*.py).
#
#   scripts/pg-replica.sh start        builds it with pg_basebackup -R in a new temporary directory, starts it
#                                      with pg_ctl on a free port and prints, one per line:
#                                        JINGUO_REPLICA_DIR=<the directory>
#                                        DATABASE_REPLICA_URL=postgres://<user>@127.0.0.1:<port>/postgres
#                                      (eval "$(scripts/pg-replica.sh start)" sets both)
#   scripts/pg-replica.sh stop DIR     stops that replica and removes its directory
#
# The primary is PGHOST:PGPORT as PGUSER (default 127.0.0.1:5432, postgres; PGPASSWORD if it needs one).
# It must have wal_level=replica (or logical) and a free WAL sender: both need a restart to change, so this
# script only reports them. A pg_hba.conf without a `replication` rule for 127.0.0.1 is fixed when the file is
# writable here (one line appended, then pg_reload_conf(): no restart), and reported otherwise.
#
# Exit status: 0 done; 3 PostgreSQL is absent (no primary to reach, or no server binaries of its version):
# callers skip; anything else is an error, with the reason on stderr.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
export PGCONNECT_TIMEOUT=${PGCONNECT_TIMEOUT:-5}
MARK="# Added by jinguo scripts/pg-replica.sh: streaming replicas for the replica tests (loopback only)."

say() { echo "pg-replica: $*" >&2; }
absent() { say "$*"; exit 3; }
fail() { say "$*"; exit 1; }

# psql on the primary, unaligned, tuples only.
primary_sql() { psql -X -q -At -v ON_ERROR_STOP=1 -d postgres -c "$1"; }

# Server binaries of the primary's major version: Debian's /usr/lib/postgresql/N/bin, else pg_config's, else PATH.
find_bindir() {
  local major=$1 dir
  for dir in "/usr/lib/postgresql/$major/bin" "$(pg_config --bindir 2>/dev/null || true)" "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")"; do
    if [ -n "$dir" ] && [ -x "$dir/pg_basebackup" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] \
       && "$dir/postgres" --version | grep -Eq " $major(\.|beta|rc|devel)"; then
      echo "$dir"; return 0
    fi
  done
  return 1
}

# Commands that touch the replica's files run as the owner of the cluster: PostgreSQL refuses to run as root.
as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

replication_works() {
  psql -X -q -At "host=$PGHOST port=$PGPORT user=$PGUSER dbname=postgres replication=true" \
    -c "IDENTIFY_SYSTEM" >/dev/null 2>&1
}

allow_replication() {
  replication_works && return 0
  local hba method
  hba=$(primary_sql "show hba_file")
  # The same authentication as the first rule that lets this user in over TCP from 127.0.0.1 (trust, scram-sha-256…).
  method=$(primary_sql "select auth_method from pg_hba_file_rules where error is null and type like 'host%'
      and ('all' = any(database) or 'postgres' = any(database))
      and ('all' = any(user_name) or current_user = any(user_name))
      and case when address in ('all', 'samehost', 'samenet') then true
               when netmask is null then false
               else (inet '127.0.0.1' & netmask::inet) = (address::inet & netmask::inet) end
      order by line_number limit 1")
  method=${method:-scram-sha-256}
  local rule="host    replication     $PGUSER    127.0.0.1/32    $method"
  case "$PGHOST" in 127.0.0.1 | localhost | ::1) ;; *)
    fail "the primary at $PGHOST:$PGPORT refuses replication connections for $PGUSER: add a \`replication\` rule for this \
host to its pg_hba.conf and run SELECT pg_reload_conf() there (a reload, no restart)" ;;
  esac
  if [ -w "$hba" ]; then
    say "the primary's $hba has no replication rule for 127.0.0.1: appending '$rule' and reloading (no restart)"
    printf '\n%s\n%s\n' "$MARK" "$rule" >>"$hba"
    primary_sql "select pg_reload_conf()" >/dev/null
    for _ in $(seq 1 50); do replication_works && return 0; sleep 0.2; done
    fail "the primary still refuses a replication connection after reloading $hba (see its server log)"
  fi
  fail "the primary at $PGHOST:$PGPORT refuses replication connections from 127.0.0.1 for $PGUSER and its \
pg_hba.conf ($hba) is not writable here. Add the line '$rule' to it and run SELECT pg_reload_conf() \
(a reload, no restart), or run this script as root or as the cluster's owner."
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start() {
  command -v psql >/dev/null || absent "psql is not installed: PostgreSQL is absent"
  primary_sql "select 1" >/dev/null 2>&1 || absent "no PostgreSQL primary answers at $PGHOST:$PGPORT (user $PGUSER)"
  local version major bindir
  version=$(primary_sql "show server_version_num")
  major=$((version / 10000))
  bindir=$(find_bindir "$major") \
    || absent "the PostgreSQL $major server binaries (pg_basebackup, pg_ctl, postgres) are not installed here"

  [ "$(primary_sql "select rolsuper or rolreplication from pg_roles where rolname = current_user")" = "t" ] \
    || fail "$PGUSER may not replicate: ALTER ROLE $PGUSER REPLICATION on the primary"
  local wal_level senders used
  wal_level=$(primary_sql "show wal_level")
  case "$wal_level" in replica | logical) ;; *)
    fail "the primary has wal_level=$wal_level: a streaming replica needs ALTER SYSTEM SET wal_level = replica and a \
restart of the primary (a reload is not enough)" ;;
  esac
  senders=$(primary_sql "show max_wal_senders")
  used=$(primary_sql "select count(*) from pg_stat_replication")
  [ "$senders" -gt "$used" ] || fail "the primary's $senders WAL senders are all in use (max_wal_senders: a restart to raise)"
  allow_replication

  if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then fail "running as root and there is no postgres user to run the replica"; fi
  local dir
  dir=$(mktemp -d "${TMPDIR:-/tmp}/jinguo-replica.XXXXXX")
  chmod 700 "$dir"
  [ "$(id -u)" = "0" ] && chown postgres: "$dir"

  # A hot standby needs at least the primary's values of these.
  local opts="" name value
  for name in max_connections max_worker_processes max_wal_senders max_prepared_transactions max_locks_per_transaction; do
    value=$(primary_sql "show $name")
    opts+=" -c $name=$value"
  done

  say "pg_basebackup of $PGHOST:$PGPORT into $dir/data"
  if ! as_owner "$bindir/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -D "$dir/data" -R -X stream \
       -c fast --no-sync >"$dir/basebackup.log" 2>&1; then
    cat "$dir/basebackup.log" >&2
    rm -rf "$dir"
    fail "pg_basebackup failed"
  fi
  # Debian keeps postgresql.conf and pg_hba.conf under /etc: the copy may have none. The command line below wins
  # over whatever the copied files say.
  as_owner touch "$dir/data/postgresql.conf"
  as_owner sh -c "printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' >'$dir/pg_hba.conf'; : >'$dir/pg_ident.conf'"

  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 20000))
    port_in_use "$port" && continue
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o "-c port=$port \
         -c listen_addresses=127.0.0.1 -c unix_socket_directories='$dir' -c hba_file='$dir/pg_hba.conf' \
         -c ident_file='$dir/pg_ident.conf' -c hot_standby=on -c hot_standby_feedback=on -c fsync=off \
         -c full_page_writes=off -c shared_buffers=32MB -c logging_collector=off -c ssl=off \
         -c wal_receiver_status_interval=1s -c cluster_name=jinguo_replica_$port $opts" >/dev/null 2>&1; then
      break
    fi
    port=""
    grep -q "could not bind\|already in use" "$dir/server.log" 2>/dev/null || break
  done
  if [ -z "$port" ]; then
    cat "$dir/server.log" >&2 || true
    rm -rf "$dir"
    fail "the replica did not start"
  fi

  # Streaming: in recovery, its WAL receiver connected to the primary.
  local status=""
  for _ in $(seq 1 150); do
    status=$(psql -X -q -At -h 127.0.0.1 -p "$port" -U "$PGUSER" -d postgres \
      -c "select pg_is_in_recovery()::text || ' ' || coalesce((select status from pg_stat_wal_receiver), 'none')" 2>/dev/null || true)
    [ "$status" = "true streaming" ] && break
    sleep 0.2
  done
  if [ "$status" != "true streaming" ]; then
    cat "$dir/server.log" >&2 || true
    stop "$dir"
    fail "the replica on port $port is not streaming from the primary (status: ${status:-no answer})"
  fi
  say "streaming replica of $PGHOST:$PGPORT on 127.0.0.1:$port ($dir)"
  echo "JINGUO_REPLICA_DIR=$dir"
  echo "DATABASE_REPLICA_URL=postgres://$PGUSER@127.0.0.1:$port/postgres"
}

stop() {
  local dir=${1:-}
  case "$dir" in */jinguo-replica.*) ;; *) fail "stop takes the JINGUO_REPLICA_DIR that start printed" ;; esac
  [ -d "$dir" ] || return 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    local major bindir
    major=$(cat "$dir/data/PG_VERSION")
    bindir=$(find_bindir "$major") || fail "no pg_ctl of PostgreSQL $major to stop $dir"
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
