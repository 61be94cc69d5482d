/* sb-client.h: one WebSocket connection: session, client identity after hello, rate limiter,
 * request dispatch, and a bounded view of what it has not yet received. */
#pragma once

#include "sb-audit-record.h"
#include "sb-store-bookings.h"
#include "sb-store-report.h"
#include "sb-metrics.h"
#include "sb-op.h"
#include "sb-server-config.h"
#include "sb-types.h"
#include "sb-request.h"
#include "sb-ws-connection.h"

G_BEGIN_DECLS

#define SB_TYPE_CLIENT (sb_client_get_type ())
G_DECLARE_FINAL_TYPE (SbClient, sb_client, SB, CLIENT, GObject)

/* How a client reaches the rest of the server without depending on SbServer (as
 * SbLiveEventHooks does for an event). */
typedef struct
{
  /* State-changing requests are refused with `unavailable` meanwhile. */
  gboolean (*is_shutting_down) (gpointer user_data);
  /* NULL when there is no such event. */
  SbLiveEvent *(*lookup_event) (const char *event_id, gpointer user_data);
  /* The event of a hold memory knows, or NULL (unknown, or the hold has ended). */
  SbLiveEvent *(*lookup_hold_event) (const char *hold_id, gpointer user_data);
  /* Every event, sorted by id (borrowed). */
  GPtrArray *(*get_events) (gpointer user_data);
  /* Queues an op with the store worker (taking it); its outcome comes back to
   * sb_client_reply_op () of the client with op->user_data's serial, if still connected. */
  void (*submit_op) (SbOp *op, gpointer user_data);
  /* Reads changes after `since` from the store for a subscribe older than memory; the answer
   * goes to sb_client_finish_subscribe () of the client with that serial, if still connected. */
  void (*fetch_changes) (guint64 client_serial,
                         const char *request_id,
                         const char *event_id,
                         gint64 since,
                         gpointer user_data);
  /* Reads the audit trail (an `audit` request, sb-client-audit.c); the answer goes to
   * sb_client_finish_audit () of the client with that serial, if still connected. */
  void (*fetch_audit) (guint64 client_serial,
                       const char *request_id,
                       const SbAuditQuery *query,
                       gpointer user_data);
  /* Finds bookings (a `find_bookings` request, sb-client-bookings.c); the answer goes to
   * sb_client_finish_find_bookings () of the client with that serial, if still connected. */
  void (*fetch_bookings) (guint64 client_serial,
                          const char *request_id,
                          const SbBookingQuery *query,
                          gpointer user_data);
  /* Reads an event's report (a `report` request, sb-client-report.c) from the store, venue and
   * time_zone (NULL: UTC) its event's; the answer goes to sb_client_finish_report () of the
   * client with that serial, if still connected. */
  void (*fetch_report) (guint64 client_serial,
                        const char *request_id,
                        const char *event_id,
                        SbVenue *venue,
                        const char *time_zone,
                        gpointer user_data);
  /* A sign_in (sb-client-auth.c) from desk (the client_id): by password (token NULL) or by
   * token; the outcome goes to
   * sb_client_finish_sign_in () of the client with that serial, if still connected. */
  void (*sign_in) (guint64 client_serial,
                   const char *request_id,
                   const char *username,
                   const char *password,
                   const char *token,
                   const char *address,
                   const char *desk,
                   gpointer user_data);
  /* sign_out: the session is revoked in the store; then sb_client_finish_sign_out () of the
   * client with that serial, if still connected. */
  void (*sign_out) (guint64 client_serial,
                    const char *request_id,
                    const char *token_hash,
                    gpointer user_data);
  /* create_event and close_sales (sb-server-events.c), already allowed by the role check: the
   * server replies to client itself, if it is still connected when the store has answered. */
  void (*manage_event) (SbClient *client, const SbRequest *request, gpointer user_data);
  /* The connection has closed; the client is done. */
  void (*closed) (SbClient *client, gpointer user_data);
  gpointer user_data;
} SbClientHooks;

/* serial: unique for the process lifetime; ops carry it (not a pointer) so an outcome that comes
 * back after the client left finds nobody to answer. hooks is copied; settings must outlive the
 * client. */
SbClient *sb_client_new (const SbClientHooks *hooks,
                         const SbServerSettings *settings,
                         SbMetrics *metrics,
                         SbWsConnection *connection,
                         guint64 serial);

guint64 sb_client_get_serial (SbClient *self);
const char *sb_client_get_session_id (SbClient *self);
/* NULL before hello. */
const char *sb_client_get_client_id (SbClient *self);
gboolean sb_client_is_open (SbClient *self);

/* Queues one text message (bytes must be UTF-8 JSON). Returns FALSE when the client is closed or
 * has just been closed for being too slow. */
gboolean sb_client_send_bytes (SbClient *self, GBytes *message);
/* Queues a frame from sb_ws_frame_encode (): a broadcast is serialized and framed once. */
gboolean sb_client_send_frame (SbClient *self, GBytes *frame);
/* Sends one text message made of parts (GBytes), which are queued as they are, not copied. */
gboolean sb_client_send_parts (SbClient *self, GPtrArray *parts);
gboolean sb_client_send_text (SbClient *self, char *text /* transfer full */);

void sb_client_close (SbClient *self, gushort code, const char *reason);

/* Answers the request an op came from, from its outcome. */
void sb_client_reply_op (SbClient *self, const SbOp *op);

/* The store-backed replay of a subscribe came back (result: SbChange array or NULL). */
void sb_client_finish_subscribe (SbClient *self,
                                 const char *request_id,
                                 const char *event_id,
                                 gint64 since,
                                 GPtrArray *changes,
                                 const GError *error);

/* The bookings a `find_bookings` request asked for came back (records: SbBookingRecord array, next
 * the cursor of the next page or NULL; or records NULL with error); sb-client-bookings.c. */
void sb_client_finish_find_bookings (SbClient *self,
                                     const char *request_id,
                                     const char *event_id,
                                     GPtrArray *records,
                                     const char *next,
                                     const GError *error);

/* The report a `report` request asked for came back (report: an SbEventReport, or NULL with
 * error); sb-client-report.c. */
void sb_client_finish_report (SbClient *self,
                              const char *request_id,
                              const char *event_id,
                              const SbEventReport *report,
                              const GError *error);

/* The audit trail an `audit` request asked for came back (records: SbAuditRecord array, oldest
 * first, or NULL with error); sb-client-audit.c. */
void sb_client_finish_audit (SbClient *self,
                             const char *request_id,
                             const char *event_id,
                             GPtrArray *records,
                             const GError *error);

G_END_DECLS
