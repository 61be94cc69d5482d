#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2086  # common.sh is sourced by path; LOADGEN_ARGS splits into words
# Scenario b: N idle connections (hello + subscribe, then nothing): server memory per connection =
# (server RSS with N connections − RSS before any) / N, read from /proc after the connections
# settled. Target ≤ 6 KiB per idle subscribed connection. CONNECTIONS="1000 5000 10000" (default)
# runs each count on a fresh server.
source "$(dirname "$0")/common.sh"

create_events arena 1
for n in ${CONNECTIONS:-1000 5000 10000}; do
  start_server
  header "b: $n idle subscribed connections"
  run_loadgen --event arena-1 --idle "$n" --duration "${DURATION:-3}" --settle 3 ${LOADGEN_ARGS:-}
  stop_server
done
