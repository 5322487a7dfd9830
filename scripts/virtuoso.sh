#!/usr/bin/env bash
# A private OpenLink Virtuoso on loopback, for tests and for users who want a SPARQL server.
#
#   scripts/virtuoso.sh start  [DIR]   write DIR/virtuoso.ini, start virtuoso-t, wait for /sparql
#   scripts/virtuoso.sh stop   [DIR]   stop it by the PID in DIR/virtuoso.pid
#   scripts/virtuoso.sh status [DIR]   say whether it runs, and print the lines to point kg at it
#
# DIR defaults to build/virtuoso. Ports: VIRTUOSO_PORT (SQL, default 21111) and VIRTUOSO_HTTP_PORT
# (HTTP, default 28890), both bound to 127.0.0.1 only. VIRTUOSO_BUFFERS sets NumberOfBuffers
# (8 KiB pages kept in memory; default 100000, about 800 MiB at most).
#
# The dba password is made up at the first start and kept in DIR/dba-password (readable by you only);
# writes go through Digest auth at /sparql-graph-crud-auth. Virtuoso comes from Debian's
# virtuoso-opensource-7-bin (`scripts/install-system-deps.sh`); the package starts no service.
set -euo pipefail

command="${1:-status}"
dir="${2:-build/virtuoso}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
pidfile="$dir/virtuoso.pid"
portfile="$dir/ports"

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

ports() {
  if [ -f "$portfile" ]; then
    # shellcheck disable=SC1090
    . "$portfile"
  else
    sql_port="${VIRTUOSO_PORT:-21111}"
    http_port="${VIRTUOSO_HTTP_PORT:-28890}"
  fi
}

endpoint() {
  echo "http://127.0.0.1:${http_port}/sparql"
}

print_env() {
  echo "export KG_STORE=$(endpoint)"
  echo "export KG_STORE_USER=dba"
  echo "export KG_STORE_PASSWORD=\$(cat $dir/dba-password)"
}

write_ini() {
  local buffers="${VIRTUOSO_BUFFERS:-100000}"
  mkdir -p "$dir/www"
  cat >"$dir/virtuoso.ini" <<EOF
; Written by scripts/virtuoso.sh: a private instance on loopback (no VAD, no other directories).
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort              = 127.0.0.1:${sql_port}
DisableUnixSocket       = 1
ServerThreads           = 10
CheckpointInterval      = 60
NumberOfBuffers         = ${buffers}
MaxDirtyBuffers         = $((buffers * 3 / 4))
MaxQueryMem             = 1G
DirsAllowed             = ., $dir
ThreadCleanupInterval   = 0
ResourcesCleanupInterval = 0

[HTTPServer]
ServerPort              = 127.0.0.1:${http_port}
ServerRoot              = $dir/www
ServerThreads           = 10
MaxClientConnections    = 10
KeepAliveTimeout        = 10
MaxKeepAlives           = 10
EnabledDavVSP           = 0

[SPARQL]
; kg reads whole projections in one SELECT: do not cut result sets short.
ResultSetMaxRows           = 100000000
MaxSortedTopRows           = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
DefaultQuery               = ASK {}
EOF
}

isql() {
  isql-vt "127.0.0.1:${sql_port}" dba "$1" "exec=$2" >/dev/null
}

start() {
  if running; then
    echo "virtuoso already running (pid $(cat "$pidfile")) at $(ports; endpoint)"
    return 0
  fi
  command -v virtuoso-t >/dev/null || {
    echo "virtuoso.sh: virtuoso-t not found; install it with: sudo apt-get install virtuoso-opensource-7-bin" >&2
    exit 1
  }
  ports
  echo "sql_port=$sql_port" >"$portfile"
  echo "http_port=$http_port" >>"$portfile"
  write_ini
  local fresh=0
  [ -f "$dir/virtuoso.db" ] || fresh=1
  (cd "$dir" && exec virtuoso-t +foreground +configfile "$dir/virtuoso.ini" >"$dir/stdout.log" 2>&1) &
  echo $! >"$pidfile"
  local waited=0
  until curl -fsS -o /dev/null "$(endpoint)?query=ASK%7B%7D" 2>/dev/null; do
    if ! running; then
      echo "virtuoso.sh: virtuoso-t exited; its log says:" >&2
      tail -20 "$dir/virtuoso.log" "$dir/stdout.log" >&2 2>/dev/null || true
      rm -f "$pidfile"
      exit 1
    fi
    if [ "$waited" -ge 600 ]; then
      echo "virtuoso.sh: /sparql did not answer within 60 s; see $dir/virtuoso.log" >&2
      stop
      exit 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  if [ "$fresh" = 1 ] || [ ! -f "$dir/dba-password" ]; then
    local password
    password="$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)"
    isql dba "USER_SET_PASSWORD('dba', '$password');"
    (umask 077 && echo "$password" >"$dir/dba-password")
  fi
  echo "virtuoso running (pid $(cat "$pidfile")) at $(endpoint) after $((waited / 10)).$((waited % 10)) s"
  print_env
}

stop() {
  if ! running; then
    rm -f "$pidfile"
    echo "virtuoso not running ($dir)"
    return 0
  fi
  local pid
  pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "virtuoso.sh: pid $pid did not stop within 30 s; killing it" >&2
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  echo "virtuoso stopped (pid $pid)"
}

status() {
  if running; then
    ports
    echo "virtuoso running (pid $(cat "$pidfile")) at $(endpoint)"
    print_env
  else
    echo "virtuoso not running ($dir)"
    return 3
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *)
    echo "usage: scripts/virtuoso.sh start|stop|status [DIR]" >&2
    exit 2
    ;;
esac
