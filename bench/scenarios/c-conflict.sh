#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2086  # common.sh is sourced by path; LOADGEN_ARGS splits into words
# Scenario c: 500 clients fighting over 10 seats. Each books one of the 10 hot seats directly,
# picked without looking at the seat view (--ignore-view), and tries again as soon as it is told
# no: after the first 10 bookings every request takes the rejection path (seat_unavailable).
# Target ≥ 50,000 rejected requests/s.
source "$(dirname "$0")/common.sh"

create_events arena 1
start_server
header "c: ${CLIENTS:-500} clients on ${HOT:-10} seats"
run_loadgen --event arena-1 --bookers "${CLIENTS:-500}" --choice hotspot --hot-seats "${HOT:-10}" \
  --ignore-view --mode book --max-seats 1 --duration "${DURATION:-10}" ${LOADGEN_ARGS:-}
