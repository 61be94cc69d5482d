#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2086  # common.sh is sourced by path; LOADGEN_ARGS splits into words
# Scenario d: 10 bookers (hold + book) while N other connections stay open and subscribed, for
# N in CONNECTIONS (default 0 1000 5000 10000), each on a fresh server: request latency p99 and
# server CPU per request (server CPU time during the run / replies), to show whether the cost of a
# request grows with the number of connections. Targets at 10,000: p99 ≤ 20 ms, ≤ 200 µs CPU.
#
# IDLE_ON=other (default): the N connections subscribe to another event, so they receive nothing
# and what grows is the per-connection overhead of the server's loop. IDLE_ON=same: they subscribe
# to the first booked event and receive every change it has (fan-out cost included).
#
# The other connections subscribe with `since` (--resume), so that connecting 10,000 of them does
# not mean sending 10,000 copies of the 400 KB venue (scenario b measures the snapshot path).
#
# Each count runs on a fresh database with EVENTS arena events (default 16), enough that 10 bookers
# do not sell out within the run; the bookers stop early if they do (the rates stay correct).
source "$(dirname "$0")/common.sh"

events=${EVENTS:-16}
idle_event=quiet-1
[ "${IDLE_ON:-other}" = same ] && idle_event=arena-1
for n in ${CONNECTIONS:-0 1000 5000 10000}; do
  fresh_db
  create_events arena "$events"
  create_events quiet 1
  start_server
  header "d: ${BOOKERS:-10} bookers with $n other connections subscribed to $idle_event"
  # shellcheck disable=SC2046
  run_loadgen $(event_args arena "$events") --idle-event "$idle_event" --idle "$n" \
    --resume --bookers "${BOOKERS:-10}" --mode hold-book --max-seats 4 --duration "${DURATION:-10}" \
    ${LOADGEN_ARGS:-}
  stop_server
done
