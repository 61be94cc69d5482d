/* sb-metrics.h: the server's counters, gauges and histograms, rendered in the Prometheus text
 * exposition format for /metrics. Main thread only. */
#pragma once

#include <glib-object.h>

#include "sb-protocol.h"
#include "sb-store-worker.h"
#include "sb-ws-limits.h"

G_BEGIN_DECLS

/* Why a connection ended, for seatbook_clients_disconnected_total{reason}. */
typedef enum
{
  SB_DISCONNECT_CLIENT_CLOSED, /* the client closed or went away */
  SB_DISCONNECT_TOO_SLOW,      /* 4001: outgoing queue overflowed */
  SB_DISCONNECT_PROTOCOL,      /* 4002: binary frame */
  SB_DISCONNECT_TOO_BIG,       /* 1009: frame over the limit */
  SB_DISCONNECT_SHUTDOWN,      /* 1001: the server is shutting down */
  SB_DISCONNECT_ERROR,         /* I/O error */
  SB_DISCONNECT_N_REASONS,
} SbDisconnectReason;

/* Request type for a frame that could not be parsed (seatbook_requests_total{type="invalid"}). */
#define SB_METRICS_REQUEST_INVALID (-1)

#define SB_TYPE_METRICS (sb_metrics_get_type ())
G_DECLARE_FINAL_TYPE (SbMetrics, sb_metrics, SB, METRICS, GObject)

SbMetrics *sb_metrics_new (void);

void sb_metrics_connection_opened (SbMetrics *self);
void sb_metrics_connection_closed (SbMetrics *self);
/* Counted when the server decides to close (the close handshake of a client that does not read
 * may take seconds) or, for closes the server did not start, when the connection ends. */
void sb_metrics_count_disconnect (SbMetrics *self, SbDisconnectReason reason);
/* request_type is an SbRequestType or SB_METRICS_REQUEST_INVALID; outcome SB_ERROR_NONE is "ok". */
void sb_metrics_count_request (SbMetrics *self, int request_type, SbErrorCode outcome);

/* Sign-in attempts (seatbook_sign_ins_total{result}), and the locked accounts gauge. */
typedef enum
{
  SB_SIGN_IN_OK,
  SB_SIGN_IN_BAD_CREDENTIALS,
  SB_SIGN_IN_LOCKED,
  SB_SIGN_IN_DISABLED,
  SB_SIGN_IN_EXPIRED,
  SB_SIGN_IN_REVOKED,
  SB_SIGN_IN_BUSY,        /* too many password sign-ins waiting (server-wide or from the address) */
  SB_SIGN_IN_UNAVAILABLE, /* the store failed: nothing was decided, the client may try again */
  SB_SIGN_IN_N_RESULTS,
} SbSignInResult;

void sb_metrics_count_sign_in (SbMetrics *self, SbSignInResult result);
/* How many accounts are locked now, asked each time /metrics is rendered (a lock ends by itself:
 * a number set at the last failure would stay stale, review finding 11). func NULL: 0. */
typedef guint (*SbMetricsCountFunc) (gpointer user_data);
void
sb_metrics_set_accounts_locked_func (SbMetrics *self, SbMetricsCountFunc func, gpointer user_data);
void sb_metrics_observe_commit (SbMetrics *self, double seconds);
void sb_metrics_observe_broadcast_lag (SbMetrics *self, double seconds);
void sb_metrics_add_messages_sent (SbMetrics *self, guint64 n_messages);
void sb_metrics_set_events (SbMetrics *self, guint n_events);

/* The store whose own counters (seatbook_store_retries_total) /metrics shows; held weakly. */
void sb_metrics_set_store (SbMetrics *self, SbStore *store);

/* The edge's counters (accepts, deadline closures), which the listener and the poller update
 * themselves; valid as long as self. */
SbWsStats *sb_metrics_get_ws_stats (SbMetrics *self);
void sb_metrics_count_edge_closure (SbMetrics *self, SbWsClosure closure);

guint sb_metrics_get_connections (SbMetrics *self);
guint64 sb_metrics_get_requests_total (SbMetrics *self);

/* stats may be NULL (no store worker yet). */
char *sb_metrics_render (SbMetrics *self, const SbStoreWorkerStats *stats);

const char *sb_disconnect_reason_to_string (SbDisconnectReason reason);

G_END_DECLS
