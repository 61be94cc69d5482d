# shellcheck shell=bash
# common.sh: sourced by the scenario scripts. Starts seatbook-server on a fresh temporary SQLite
# database with N arena events, and stops it and removes the database on exit.
#
# Environment:
#   SEATBOOK_BUILD  build directory (default: build-bench at the top of the tree)
#   SERVER_BIN      the server binary (default: $SEATBOOK_BUILD/server/seatbook-server)
#   VENUE           venue file (default data/venues/arena.json)
#   SERVER_WRAPPER  command put in front of the server, e.g. "valgrind --tool=massif"
#   LOADGEN_WRAPPER command put in front of the load generator, e.g. "valgrind --tool=callgrind"
#                   (instruction counts of the generator's own work; BENCHMARKS.md)
#   PERF_OUT        profile the server with perf (cpu-clock, call graphs) during each load
#                   generator run into PERF_OUT.N (N counts the runs of the script)
#   KEEP_TMP=1      keep the temporary directory (database, server log)
#   TLS=1           the server serves wss:// with a fresh self-signed certificate (P-256), and
#                   the load generator connects with wss:// (GnuTLS, certificate not verified)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${SEATBOOK_BUILD:-$top/build-bench}
server_bin=${SERVER_BIN:-$build/server/seatbook-server}
loadgen_bin=$build/bench/loadgen/seatbook-loadgen
venue=${VENUE:-$top/data/venues/arena.json}

for bin in "$server_bin" "$loadgen_bin"; do
  if [ ! -x "$bin" ]; then
    echo "missing $bin: meson setup $build -Dbuildtype=debugoptimized && meson compile -C $build" >&2
    exit 2
  fi
done

# 10,000 connections need 10,000 descriptors on each side; both processes inherit this.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/seatbook-bench.XXXXXX")
db=$tmp/seatbook.db
server_pid=
tls_args=()
scheme=ws
if [ "${TLS:-0}" = 1 ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/bench.key" -out "$tmp/bench.crt" 2>/dev/null
  tls_args=(--listen 127.0.0.1 --tls-certificate "$tmp/bench.crt" --tls-key "$tmp/bench.key")
  scheme=wss
fi

cleanup () {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    # Bounded wait: a server that does not stop within 20 s is killed.
    for _ in $(seq 1 200); do
      kill -0 "$server_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "kept $tmp" >&2
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT INT TERM

# create_events PREFIX N: events PREFIX-1 … PREFIX-N from the venue file.
create_events () {
  local prefix=$1 n=$2 i
  for i in $(seq 1 "$n"); do
    "$server_bin" create-event --store="sqlite:$db" --venue="$venue" \
      --id="$prefix-$i" --name="Benchmark $prefix $i" >/dev/null
  done
}

# fresh_db: an empty database (between runs on one script; the server must be stopped).
fresh_db () {
  rm -f "$db" "$db-wal" "$db-shm" "$db-journal"
}

# event_args PREFIX N: "--event PREFIX-1 … --event PREFIX-N" for the load generator.
event_args () {
  local prefix=$1 n=$2 i
  for i in $(seq 1 "$n"); do
    printf -- '--event %s-%d ' "$prefix" "$i"
  done
}

# start_server: rate limits are raised so that the load generator measures the server, not the
# limiter (each booker sends as fast as replies come back).
# Every connection of the load generator signs in (protocol 2), as the clerk "bench": once with
# the password, then with its token.
bench_account () {
  [ -s "$tmp/bench.pw" ] || head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$tmp/bench.pw"
  "$server_bin" user add bench --role=clerk --password-file="$tmp/bench.pw" \
    --store="sqlite:$db" >/dev/null 2>&1 || true
}

start_server () {
  bench_account
  rm -f "$tmp/port"
  # shellcheck disable=SC2086
  ${SERVER_WRAPPER:-} "$server_bin" --port 0 --port-file "$tmp/port" --store "sqlite:$db" \
    --requests-per-second 1000000 --burst 1000000 "${tls_args[@]}" "$@" >"$tmp/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$tmp/port" ] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
    sleep 0.1
  done
  [ -s "$tmp/port" ] || { echo "server did not start" >&2; exit 1; }
  port=$(cat "$tmp/port")
  url=$scheme://127.0.0.1:$port/ws
  # With SERVER_WRAPPER the wrapper's child is the server: find it for /proc readings.
  real_pid=$(pgrep -P "$server_pid" -x seatbook-server || echo "$server_pid")
}

stop_server () {
  cleanup_pid=$server_pid
  kill -TERM "$cleanup_pid" 2>/dev/null || true
  for _ in $(seq 1 200); do
    kill -0 "$cleanup_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$cleanup_pid" 2>/dev/null || true
  wait "$cleanup_pid" 2>/dev/null || true
  server_pid=
}

# header TITLE: what ran where, so a figure can be judged later.
header () {
  echo "== $1"
  echo "   $(date -u +%FT%TZ)  $(uname -srm)  $(nproc) cores  load:$(cut -d' ' -f1-3 /proc/loadavg)  $scheme://"
  # The binary may be built from uncommitted work: name it by its hash as well as HEAD.
  echo "   server $server_bin (sha256 $(sha256sum "$server_bin" | cut -c1-12), tree at" \
    "$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    "$(git -C "$top" status --porcelain -- server protocol 2>/dev/null | grep -q . && echo '+ uncommitted server/protocol changes')) "
}

# run_loadgen ARGS…: prints the command, then runs it against the current server.
perf_runs=0
run_loadgen () {
  local perf_pid='' rc=0
  echo "\$ seatbook-loadgen $*"
  if [ -n "${PERF_OUT:-}" ]; then
    perf_runs=$((perf_runs + 1))
    # The hardware counters are not available in this VM: sample on the cpu-clock timer.
    perf record -q -e cpu-clock -F 999 --call-graph "${PERF_CALLGRAPH:-dwarf,16384}" -p "$real_pid" -o "$PERF_OUT.$perf_runs" 2>/dev/null &
    perf_pid=$!
  fi
  # shellcheck disable=SC2086
  ${LOADGEN_WRAPPER:-} "$loadgen_bin" --url "$url" --server-pid "$real_pid" --db "$db" \
    --username bench --password-file "$tmp/bench.pw" "$@" || rc=$?
  if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
    echo "perf profile: $PERF_OUT.$perf_runs"
  fi
  return $rc
}
