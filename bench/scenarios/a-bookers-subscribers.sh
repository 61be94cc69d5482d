#!/usr/bin/env bash
# shellcheck disable=SC1091,SC2086  # common.sh is sourced by path; LOADGEN_ARGS splits into words
# Scenario a: 100 bookers (hold 1–4 seats, then book the hold) while 1,000 subscribers watch.
# Targets: ≥ 10,000 seats booked/s with durable commits; broadcast lag p99 ≤ 25 ms.
#
# An arena (5,610 seats) sells out in half a second at the target rate and bookings are final, so
# the run gets EVENTS arena events (default 20: 112,200 seats, 11 s at 10,000/s). Bookers are
# spread over the events (booker i starts on event i mod EVENTS and moves on when it sells out);
# every subscriber subscribes to every event (SUBSCRIBE_TO=all), so each of the 1,000 subscribers
# sees every booking. SUBSCRIBE_TO=one has them all watch the first event only.
#
# Subscribers subscribe with `since` (--resume: a replay instead of a snapshot) because a snapshot
# carries the whole 400 KB arena venue: 1,000 × 20 snapshots would be 8 GB to send before the run
# starts. The run itself (bookings and `changed` broadcasts) is the same either way.
source "$(dirname "$0")/common.sh"

events=${EVENTS:-20}
subscribers=${SUBSCRIBERS:-1000}
bookers=${BOOKERS:-100}
duration=${DURATION:-10}

create_events arena "$events"
start_server
header "a: $bookers bookers + $subscribers subscribers, $events arena events, ${duration}s"
# shellcheck disable=SC2046
run_loadgen $(event_args arena "$events") --subscribers "$subscribers" --bookers "$bookers" \
  --subscribe-to "${SUBSCRIBE_TO:-all}" --resume --mode hold-book --max-seats 4 --duration "$duration" \
  ${LOADGEN_ARGS:-}
