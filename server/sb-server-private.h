/* sb-server-private.h: what only server/ may call beside SbServer's public API. */
#pragma once

#include "sb-authenticator.h"
#include "sb-client.h"
#include "sb-live-event.h"
#include "sb-request.h"
#include "sb-metrics.h"
#include "sb-server.h"
#include "sb-store-worker.h"
#include "sb-store.h"
#include "sb-ws-listener.h"
#include "sb-ws-poller.h"

G_BEGIN_DECLS

/* Shared by sb-server.c and sb-server-http.c. */
struct _SbServer
{
  GObject parent_instance;

  const SbServerSettings *settings;
  SbStore *store;
  SbStoreWorker *worker;
  SoupServer *soup;
  SbWsPoller *poller;
  GSocket *listen_socket;
  SbWsListener *listener; /* accepts for self->soup (sb-ws-listener.c says why) */
  guint port;
  char *store_description; /* the store URI without credentials, for logs */

  GHashTable *events;      /* event id → SbLiveEvent */
  GPtrArray *events_by_id; /* SbLiveEvent, sorted by id */
  GHashTable *hold_index;  /* hold id → SbLiveEvent, maintained by the events */

  GHashTable *clients; /* serial → SbClient */
  SbClientHooks client_hooks;
  SbAuthenticator *authenticator; /* NULL with accounts=off */
  guint64 next_serial;
  SbMetrics *metrics;

  GPtrArray *dirty_events; /* SbLiveEvent with a broadcast pending */
  guint flush_source;

  GMainLoop *loop;
  guint prune_source;
  guint event_refresh_source;     /* sb-server-event-refresh.c */
  gboolean event_refresh_running; /* a listing of the store's events is under way */
  gboolean shutting_down;
  guint sigint_source;
  guint sigterm_source;
};

/* sb-server-http.c: /ws, /healthz and /metrics on self->soup. */
void _sb_server_add_http_handlers (SbServer *self);

/* Opens the configured store, creating the default database's directory first. The store's error
 * is prefixed with the store's name, without its credentials. Used by the server and by the
 * subcommands (sb-commands.c). */
G_GNUC_WARN_UNUSED_RESULT
SbStore *_sb_server_open_store (const SbServerSettings *settings, GError **error);

/* For sb-server-audit.c: the store worker, and the connected client of a serial (or NULL). */
SbStoreWorker *_sb_server_get_worker (SbServer *self);
SbClient *_sb_server_lookup_client (SbServer *self, guint64 serial);
/* SbClientHooks.fetch_audit (sb-server-audit.c); user_data is the SbServer. */
void _sb_server_fetch_audit (guint64 client_serial,
                             const char *request_id,
                             const SbAuditQuery *query,
                             gpointer user_data);

/* SbClientHooks.fetch_bookings (sb-server-bookings.c); user_data is the SbServer. */
void _sb_server_fetch_bookings (guint64 client_serial,
                                const char *request_id,
                                const SbBookingQuery *query,
                                gpointer user_data);

/* SbClientHooks.fetch_report (sb-server-report.c); user_data is the SbServer. */
void _sb_server_fetch_report (guint64 client_serial,
                              const char *request_id,
                              const char *event_id,
                              SbVenue *venue,
                              const char *time_zone,
                              gpointer user_data);

/* A live event for record (loaded with state), served from now on: in the tables, sorted, counted.
 * NULL when its venue cannot be read. */
SbLiveEvent *_sb_server_add_event (SbServer *self,
                                   const SbEventRecord *record,
                                   const SbEventState *state,
                                   GError **error);
/* SbClientHooks.manage_event (sb-server-events.c): create_event and close_sales. */
void _sb_server_manage_event (SbClient *client, const SbRequest *request, gpointer user_data);
/* Sends the list of events, unasked, to every client that may list events (sb-server-events.c). */
void _sb_server_broadcast_events (SbServer *self);
/* Reads the changes of event that other servers committed after its version (sb-server.c). */
void _sb_server_catch_up_event (SbServer *self, SbLiveEvent *event);
/* sb-server-event-refresh.c: every few seconds and at once on request, serve the events other
 * processes created in the store and take over the sales other servers closed. */
void _sb_server_start_event_refresh (SbServer *self);
void _sb_server_refresh_events (SbServer *self);
/* The store URI for logs: a MongoDB password is masked. */
char *_sb_server_describe_store (const char *uri);

G_END_DECLS
