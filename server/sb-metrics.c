/* sb-metrics.c: Prometheus counters and histograms of the server. Everything here is updated from
 * the main thread only, so plain integers suffice: no atomics on the hot path. */
#include "config.h"

#include "sb-metrics.h"

#include "sb-request.h"
#ifdef HAVE_MONGODB
#include "sb-mongo-store.h"
#endif

/* Request types are SbRequestType 0 … SB_REQUEST_REPORT; slot 0 of the table is "invalid". */
#define N_REQUEST_TYPES (SB_REQUEST_REPORT + 2)
#define N_OUTCOMES (SB_ERROR_UNAUTHENTICATED + 1)

/* Bucket upper bounds in seconds; chosen around the 25 ms broadcast-lag target. */
static const double histogram_bounds[] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
};
#define N_BUCKETS G_N_ELEMENTS (histogram_bounds)

typedef struct
{
  guint64 buckets[N_BUCKETS]; /* not cumulative; summed when rendered */
  guint64 count;
  double sum;
} Histogram;

struct _SbMetrics
{
  GObject parent_instance;

  guint connections;
  guint events;
  guint64 requests[N_REQUEST_TYPES][N_OUTCOMES];
  guint64 messages_sent;
  guint64 disconnected[SB_DISCONNECT_N_REASONS];
  Histogram commit;
  Histogram broadcast_lag;
  SbStore *store; /* weak: read for its retry counters, which are atomic */
  SbWsStats ws;
  guint64 sign_ins[SB_SIGN_IN_N_RESULTS];
  SbMetricsCountFunc accounts_locked_func;
  gpointer accounts_locked_data;
};

G_DEFINE_FINAL_TYPE (SbMetrics, sb_metrics, G_TYPE_OBJECT)

static const char *const disconnect_reason_names[] = {
  [SB_DISCONNECT_CLIENT_CLOSED] = "client_closed", [SB_DISCONNECT_TOO_SLOW] = "too_slow",
  [SB_DISCONNECT_PROTOCOL] = "protocol_error",     [SB_DISCONNECT_TOO_BIG] = "message_too_big",
  [SB_DISCONNECT_SHUTDOWN] = "shutdown",           [SB_DISCONNECT_ERROR] = "error",
};

static void
sb_metrics_finalize (GObject *object)
{
  SbMetrics *self = SB_METRICS (object);

  g_clear_weak_pointer (&self->store);
  G_OBJECT_CLASS (sb_metrics_parent_class)->finalize (object);
}

static void
sb_metrics_class_init (SbMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_metrics_finalize;
}

static void
sb_metrics_init (SbMetrics *self)
{
}

SbMetrics *
sb_metrics_new (void)
{
  return g_object_new (SB_TYPE_METRICS, NULL);
}

const char *
sb_disconnect_reason_to_string (SbDisconnectReason reason)
{
  if ((guint) reason >= SB_DISCONNECT_N_REASONS)
    return "error";
  return disconnect_reason_names[reason];
}

void
sb_metrics_connection_opened (SbMetrics *self)
{
  g_return_if_fail (SB_IS_METRICS (self));
  self->connections++;
}

void
sb_metrics_connection_closed (SbMetrics *self)
{
  g_return_if_fail (SB_IS_METRICS (self));

  if (self->connections > 0)
    self->connections--;
}

void
sb_metrics_count_disconnect (SbMetrics *self, SbDisconnectReason reason)
{
  g_return_if_fail (SB_IS_METRICS (self));
  g_return_if_fail ((guint) reason < SB_DISCONNECT_N_REASONS);

  self->disconnected[reason]++;
}

void
sb_metrics_count_request (SbMetrics *self, int request_type, SbErrorCode outcome)
{
  g_return_if_fail (SB_IS_METRICS (self));

  guint type_slot = request_type < 0 ? 0 : (guint) request_type + 1;
  if (type_slot >= N_REQUEST_TYPES || (guint) outcome >= N_OUTCOMES)
    return;
  self->requests[type_slot][outcome]++;
}

static void
histogram_observe (Histogram *histogram, double value)
{
  if (value < 0)
    value = 0;
  histogram->count++;
  histogram->sum += value;
  for (guint i = 0; i < N_BUCKETS; i++)
    {
      if (value <= histogram_bounds[i])
        {
          histogram->buckets[i]++;
          return;
        }
    }
  /* Above the last bound: only +Inf (= count) holds it. */
}

void
sb_metrics_observe_commit (SbMetrics *self, double seconds)
{
  g_return_if_fail (SB_IS_METRICS (self));
  histogram_observe (&self->commit, seconds);
}

void
sb_metrics_observe_broadcast_lag (SbMetrics *self, double seconds)
{
  g_return_if_fail (SB_IS_METRICS (self));
  histogram_observe (&self->broadcast_lag, seconds);
}

void
sb_metrics_add_messages_sent (SbMetrics *self, guint64 n_messages)
{
  g_return_if_fail (SB_IS_METRICS (self));
  self->messages_sent += n_messages;
}

void
sb_metrics_set_events (SbMetrics *self, guint n_events)
{
  g_return_if_fail (SB_IS_METRICS (self));
  self->events = n_events;
}

void
sb_metrics_set_store (SbMetrics *self, SbStore *store)
{
  g_return_if_fail (SB_IS_METRICS (self));
  g_set_weak_pointer (&self->store, store);
}

/* seatbook_store_retries_total{reason}: how often the store ran a transaction again (only a store
 * shared between processes retries: MongoDB's). */
static void
render_store_retries (GString *out, SbStore *store)
{
#ifdef HAVE_MONGODB
  if (store == NULL || !SB_IS_MONGO_STORE (store))
    return;
  g_string_append (out, "# HELP seatbook_store_retries_total Store transactions run again, by "
                        "reason.\n"
                        "# TYPE seatbook_store_retries_total counter\n");
  for (guint r = 0; r < SB_MONGO_RETRY_N_REASONS; r++)
    g_string_append_printf (out,
                            "seatbook_store_retries_total{reason=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            sb_mongo_retry_reason_to_string (r),
                            sb_mongo_store_get_retries (SB_MONGO_STORE (store), r));
#endif
}

SbWsStats *
sb_metrics_get_ws_stats (SbMetrics *self)
{
  g_return_val_if_fail (SB_IS_METRICS (self), NULL);
  return &self->ws;
}

void
sb_metrics_count_edge_closure (SbMetrics *self, SbWsClosure closure)
{
  g_return_if_fail (SB_IS_METRICS (self));
  g_return_if_fail ((guint) closure < SB_WS_N_CLOSURES);

  self->ws.closures[closure]++;
}

static const char *const sign_in_result_names[] = {
  [SB_SIGN_IN_OK] = "ok",
  [SB_SIGN_IN_BAD_CREDENTIALS] = "bad_credentials",
  [SB_SIGN_IN_LOCKED] = "locked",
  [SB_SIGN_IN_DISABLED] = "disabled",
  [SB_SIGN_IN_EXPIRED] = "expired",
  [SB_SIGN_IN_REVOKED] = "revoked",
  [SB_SIGN_IN_BUSY] = "rate_limited",
  [SB_SIGN_IN_UNAVAILABLE] = "unavailable",
};

void
sb_metrics_count_sign_in (SbMetrics *self, SbSignInResult result)
{
  g_return_if_fail (SB_IS_METRICS (self));
  g_return_if_fail ((guint) result < SB_SIGN_IN_N_RESULTS);

  self->sign_ins[result]++;
}

void
sb_metrics_set_accounts_locked_func (SbMetrics *self, SbMetricsCountFunc func, gpointer user_data)
{
  g_return_if_fail (SB_IS_METRICS (self));

  self->accounts_locked_func = func;
  self->accounts_locked_data = user_data;
}

static void
render_sign_ins (SbMetrics *self, GString *out)
{
  g_string_append (out, "# HELP seatbook_sign_ins_total Sign-in attempts, by result.\n"
                        "# TYPE seatbook_sign_ins_total counter\n");
  for (guint r = 0; r < SB_SIGN_IN_N_RESULTS; r++)
    g_string_append_printf (out, "seatbook_sign_ins_total{result=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            sign_in_result_names[r], self->sign_ins[r]);
  g_string_append_printf (out,
                          "# HELP seatbook_accounts_locked Accounts locked after failed "
                          "sign-ins.\n"
                          "# TYPE seatbook_accounts_locked gauge\n"
                          "seatbook_accounts_locked %u\n",
                          self->accounts_locked_func != NULL
                              ? self->accounts_locked_func (self->accounts_locked_data)
                              : 0);
}

static void
render_edge (GString *out, const SbWsStats *ws)
{
  g_string_append (out, "# HELP seatbook_edge_closures_total Connections the server closed on "
                        "its own deadline or budget, by reason.\n"
                        "# TYPE seatbook_edge_closures_total counter\n");
  for (guint c = 0; c < SB_WS_N_CLOSURES; c++)
    g_string_append_printf (out,
                            "seatbook_edge_closures_total{reason=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            sb_ws_closure_to_string (c), ws->closures[c]);
  g_string_append_printf (
      out,
      "# HELP seatbook_accepted_total TCP connections accepted.\n"
      "# TYPE seatbook_accepted_total counter\n"
      "seatbook_accepted_total %" G_GUINT64_FORMAT "\n"
      "# HELP seatbook_accept_exhausted_total Times accepting ran out of file descriptors.\n"
      "# TYPE seatbook_accept_exhausted_total counter\n"
      "seatbook_accept_exhausted_total %" G_GUINT64_FORMAT "\n"
      "# HELP seatbook_accept_refused_total Connections closed at once for want of file "
      "descriptors.\n"
      "# TYPE seatbook_accept_refused_total counter\n"
      "seatbook_accept_refused_total %" G_GUINT64_FORMAT "\n"
      "# HELP seatbook_accept_errors_total Other failures of accept ().\n"
      "# TYPE seatbook_accept_errors_total counter\n"
      "seatbook_accept_errors_total %" G_GUINT64_FORMAT "\n",
      ws->accepted, ws->accept_exhausted, ws->accept_shed, ws->accept_errors);
}

guint
sb_metrics_get_connections (SbMetrics *self)
{
  g_return_val_if_fail (SB_IS_METRICS (self), 0);
  return self->connections;
}

guint64
sb_metrics_get_requests_total (SbMetrics *self)
{
  g_return_val_if_fail (SB_IS_METRICS (self), 0);

  guint64 total = 0;
  for (guint t = 0; t < N_REQUEST_TYPES; t++)
    for (guint o = 0; o < N_OUTCOMES; o++)
      total += self->requests[t][o];
  return total;
}

static void
render_histogram (GString *out, const char *name, const char *help, const Histogram *histogram)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  guint64 cumulative = 0;

  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name);
  for (guint i = 0; i < N_BUCKETS; i++)
    {
      cumulative += histogram->buckets[i];
      g_ascii_formatd (number, sizeof number, "%g", histogram_bounds[i]);
      g_string_append_printf (out, "%s_bucket{le=\"%s\"} %" G_GUINT64_FORMAT "\n", name, number,
                              cumulative);
    }
  g_string_append_printf (out, "%s_bucket{le=\"+Inf\"} %" G_GUINT64_FORMAT "\n", name,
                          histogram->count);
  g_ascii_formatd (number, sizeof number, "%.9g", histogram->sum);
  g_string_append_printf (out, "%s_sum %s\n%s_count %" G_GUINT64_FORMAT "\n", name, number, name,
                          histogram->count);
}

char *
sb_metrics_render (SbMetrics *self, const SbStoreWorkerStats *stats)
{
  g_return_val_if_fail (SB_IS_METRICS (self), NULL);

  GString *out = g_string_sized_new (4096);

  g_string_append_printf (out,
                          "# HELP seatbook_connections Open WebSocket connections.\n"
                          "# TYPE seatbook_connections gauge\n"
                          "seatbook_connections %u\n",
                          self->connections);
  g_string_append_printf (out,
                          "# HELP seatbook_events Events served from memory.\n"
                          "# TYPE seatbook_events gauge\n"
                          "seatbook_events %u\n",
                          self->events);

  render_sign_ins (self, out);
  g_string_append (out, "# HELP seatbook_requests_total Requests answered, by type and outcome.\n"
                        "# TYPE seatbook_requests_total counter\n");
  for (guint t = 0; t < N_REQUEST_TYPES; t++)
    {
      const char *type = t == 0 ? "invalid" : sb_request_type_to_string ((SbRequestType) (t - 1));
      for (guint o = 0; o < N_OUTCOMES; o++)
        {
          if (self->requests[t][o] == 0)
            continue;
          const char *outcome = o == SB_ERROR_NONE ? "ok" : sb_error_code_to_string (o);
          g_string_append_printf (out,
                                  "seatbook_requests_total{type=\"%s\",outcome=\"%s\"} "
                                  "%" G_GUINT64_FORMAT "\n",
                                  type ? type : "unknown", outcome ? outcome : "unknown",
                                  self->requests[t][o]);
        }
    }

  render_histogram (out, "seatbook_commit_seconds",
                    "Time from a request's op being queued to its commit.", &self->commit);
  render_histogram (out, "seatbook_broadcast_lag_seconds",
                    "Time from a change's commit to its broadcast being sent.",
                    &self->broadcast_lag);

  g_string_append_printf (out,
                          "# HELP seatbook_messages_sent_total WebSocket messages sent.\n"
                          "# TYPE seatbook_messages_sent_total counter\n"
                          "seatbook_messages_sent_total %" G_GUINT64_FORMAT "\n",
                          self->messages_sent);

  g_string_append (out, "# HELP seatbook_clients_disconnected_total Connections ended, by reason.\n"
                        "# TYPE seatbook_clients_disconnected_total counter\n");
  for (guint r = 0; r < SB_DISCONNECT_N_REASONS; r++)
    g_string_append_printf (
        out, "seatbook_clients_disconnected_total{reason=\"%s\"} %" G_GUINT64_FORMAT "\n",
        disconnect_reason_names[r], self->disconnected[r]);

  render_edge (out, &self->ws);

  if (stats != NULL)
    {
      g_string_append_printf (out,
                              "# HELP seatbook_store_batches_total Store transactions (group "
                              "commits).\n"
                              "# TYPE seatbook_store_batches_total counter\n"
                              "seatbook_store_batches_total %" G_GUINT64_FORMAT "\n"
                              "# HELP seatbook_store_ops_total Ops run by the store.\n"
                              "# TYPE seatbook_store_ops_total counter\n"
                              "seatbook_store_ops_total %" G_GUINT64_FORMAT "\n"
                              "# HELP seatbook_store_failed_batches_total Store transactions that "
                              "failed.\n"
                              "# TYPE seatbook_store_failed_batches_total counter\n"
                              "seatbook_store_failed_batches_total %" G_GUINT64_FORMAT "\n",
                              stats->batches, stats->ops, stats->failed_batches);
    }
  render_store_retries (out, self->store);

  return g_string_free (out, FALSE);
}
