/* sb-ws-limits.h: the transport's deadlines and budgets, and the counters of what they closed.
 * Plain data: the server's settings embed SbWsLimits, its metrics own an SbWsStats that the
 * listener and the poller count into. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Seconds; 0 switches a deadline off. */
typedef struct
{
  guint handshake_timeout_s; /* TCP accepted → WebSocket upgrade (or HTTP answer) done */
  guint hello_timeout_s;     /* upgrade → the first request (hello); enforced by the owner */
  guint frame_timeout_s;     /* a started frame, or fragmented message, must be complete */
  guint ping_interval_s;     /* nothing received for this long → the server pings */
  guint pong_timeout_s;      /* nothing received for this long after the ping → dead peer */
  guint64 partial_budget;    /* bytes of incomplete frames held for all connections together */
} SbWsLimits;

#define SB_WS_DEFAULT_HANDSHAKE_TIMEOUT_S 10
#define SB_WS_DEFAULT_HELLO_TIMEOUT_S 10
#define SB_WS_DEFAULT_FRAME_TIMEOUT_S 30
#define SB_WS_DEFAULT_PING_INTERVAL_S 30
#define SB_WS_DEFAULT_PONG_TIMEOUT_S 20
#define SB_WS_DEFAULT_PARTIAL_BUDGET (16 * 1024 * 1024)

/* Why the edge closed a connection on its own, for seatbook_edge_closures_total{reason}. */
typedef enum
{
  SB_WS_CLOSURE_HANDSHAKE_TIMEOUT,
  SB_WS_CLOSURE_HELLO_TIMEOUT,
  SB_WS_CLOSURE_FRAME_TIMEOUT,
  SB_WS_CLOSURE_PONG_TIMEOUT,
  SB_WS_CLOSURE_PARTIAL_BUDGET,
  SB_WS_CLOSURE_CLOSE_TIMEOUT, /* the peer did not finish the closing handshake */
  SB_WS_CLOSURE_TLS_HANDSHAKE, /* TLS handshake failed (e.g. plain text on the TLS port) */
  SB_WS_N_CLOSURES,
} SbWsClosure;

typedef struct
{
  guint64 closures[SB_WS_N_CLOSURES];
  guint64 accepted;         /* connections accepted */
  guint64 accept_exhausted; /* accept () failed for want of descriptors (episodes) */
  guint64 accept_shed;      /* accepted with the spare descriptor and closed at once */
  guint64 accept_errors;    /* other accept () failures */
} SbWsStats;

static inline void
sb_ws_limits_init_defaults (SbWsLimits *limits)
{
  limits->handshake_timeout_s = SB_WS_DEFAULT_HANDSHAKE_TIMEOUT_S;
  limits->hello_timeout_s = SB_WS_DEFAULT_HELLO_TIMEOUT_S;
  limits->frame_timeout_s = SB_WS_DEFAULT_FRAME_TIMEOUT_S;
  limits->ping_interval_s = SB_WS_DEFAULT_PING_INTERVAL_S;
  limits->pong_timeout_s = SB_WS_DEFAULT_PONG_TIMEOUT_S;
  limits->partial_budget = SB_WS_DEFAULT_PARTIAL_BUDGET;
}

const char *sb_ws_closure_to_string (SbWsClosure closure);

G_END_DECLS
