/* seatbook-loadgen: drives a seatbook-server with many WebSocket connections from one process and
 * reports throughput, latency, broadcast lag and the server's CPU and memory; then checks that
 * every booking it was told about is really there. See BENCHMARKS.md for the scenarios.
 *
 * One thread, one epoll set (lg-ws.c says why not GMainContext). Connections play one of four
 * roles:
 *   watcher    one per booked event: keeps the shared seat view the bookers pick from, and logs
 *              every change so versions can be matched to the replies that caused them;
 *   subscriber hello + subscribe, then only receives; its `changed` messages are timed;
 *   idle       hello + subscribe to --idle-event, then only receives (memory/CPU per connection);
 *   booker     hello, then a closed loop: hold 1..k seats and book the hold (or book directly).
 */
#include "config.h"

#include "lg-hist.h"
#include "lg-json.h"
#include "lg-server.h"
#include "lg-verify.h"
#include "lg-ws.h"
#include "sb-message.h"
#include "sb-protocol.h"
#include "sb-request.h"
#include "sb-venue.h"

#include <arpa/inet.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define MAX_HOLD_SEATS SB_MAX_SEATS_PER_REQUEST
/* Requests in flight per connection: a booker has one, a subscriber one subscribe at a time. */
#define MAX_OUTSTANDING 4
#define MAX_EVENTS 64

typedef enum
{
  ROLE_WATCHER,
  ROLE_SUBSCRIBER,
  ROLE_IDLE,
  ROLE_BOOKER,
} Role;

typedef enum
{
  REQ_HELLO,
  REQ_SIGN_IN,
  REQ_SUBSCRIBE,
  REQ_HOLD,
  REQ_BOOK,
  N_REQ_KINDS,
} ReqKind;

static const char *const lg_req_kind_names[] = { "hello", "sign_in", "subscribe", "hold", "book" };

typedef enum
{
  PHASE_WATCHERS,
  PHASE_CONNECT,
  PHASE_BOOKERS,
  PHASE_RUN,
  PHASE_DRAIN,
  PHASE_DONE,
} Phase;

/* Seat states in the shared view; values as SbSeatState. */
typedef struct
{
  gint64 t_first; /* first receipt of this version by any of our connections */
  gint64 t_last;  /* last receipt among subscribers */
  gint64 t_ack;   /* receipt of the reply of the request that made this version, 0 if unknown */
  guint32 n_seen;
} VersionInfo;

typedef struct
{
  gint64 from, to;
  guint first_entry, n_entries;
} WatchMsg;

typedef struct
{
  gint64 ack_us;
  gboolean assigned;
} Op;

typedef struct
{
  char *id;
  SbVenue *venue;
  guint n_seats;
  GHashTable *seat_index; /* seat id → index + 1 */
  guint8 *view;           /* SbSeatState as last seen by the watcher (or a reply) */
  guint8 *pending;        /* claimed by a request of ours in flight */
  guint *free_list;       /* seats free in the view and not pending */
  guint *free_pos;        /* seat → position in free_list, G_MAXUINT when absent */
  guint n_free;
  guint n_pending;
  guint *hot;
  guint n_hot;
  guint *sellable; /* every seat that is not blocked, for --ignore-view */
  guint n_sellable;
  gboolean ready; /* the watcher has its snapshot */
  gboolean sold_out;
  gint64 base_version;   /* version of the watcher's snapshot */
  gint64 version;        /* latest version the watcher saw */
  gint64 max_seen;       /* latest version any of our connections saw */
  GArray *versions;      /* VersionInfo of base_version + 1 + i */
  guint n_observers;     /* connections subscribed: the watcher and subscribers */
  GArray *watch_msgs;    /* WatchMsg */
  GArray *watch_entries; /* guint32: seat << 2 | state */
  guint32 *held_op;      /* seat → op that held it (index into ops + 1), 0 = none */
  guint32 *booked_op;
  char **acked_booking; /* seat → booking reference we were told */
  gint64 seats_acked;
} Event;

typedef struct
{
  guint32 seq;
  ReqKind kind;
  gint64 sent_us;
  guint event; /* subscribe, hold, book */
} Outstanding;

typedef struct
{
  Role role;
  guint index;
  LgWs *ws;
  gboolean welcomed;
  guint32 next_seq;
  Outstanding out[MAX_OUTSTANDING];
  guint n_out;
  /* Subscriptions: event index and the version we have. */
  guint n_subs;
  guint *sub_event;
  gint64 *sub_version;
  guint n_subscribed;
  /* Booker state. */
  guint event;
  guint claim[MAX_HOLD_SEATS];
  guint n_claim;
  char *hold_id;
  gint64 wake_at; /* 0 = not sleeping */
  gboolean done;
} Conn;

/* Options. */
typedef struct
{
  char *url;
  char **events;
  char *idle_event;
  int subscribers;
  int bookers;
  int idle;
  char *choice;
  int hot_seats;
  gboolean ignore_view;
  char *mode;
  int max_seats;
  int ttl;
  char *subscribe_to;
  double duration;
  double connect_rate;
  double ramp;
  int max_pending;
  double connect_timeout;
  double settle;
  int server_pid;
  char *db;
  gboolean json;
  gboolean no_verify;
  int seed;
  gboolean resume;
  char *username;
  char *password_file;
} LgOptions;

static LgOptions lg_opt = {
  .url = "ws://127.0.0.1:8080/ws",
  .choice = "uniform",
  .hot_seats = 10,
  .mode = "hold-book",
  .max_seats = 4,
  .ttl = 600,
  .subscribe_to = "all",
  .duration = 10,
  .connect_rate = 2000,
  .max_pending = 200,
  .connect_timeout = 180,
  .settle = 2,
  .seed = 1,
};

static GOptionEntry entries[] = {
  { "url", 0, 0, G_OPTION_ARG_STRING, &lg_opt.url,
    "Server WebSocket URL, ws:// or wss:// (loopback only; the certificate is not verified)",
    "URL" },
  { "event", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &lg_opt.events,
    "Event to book and watch (repeat for several)", "ID" },
  { "idle-event", 0, 0, G_OPTION_ARG_STRING, &lg_opt.idle_event,
    "Event the idle connections subscribe to (default: the first --event)", "ID" },
  { "subscribers", 0, 0, G_OPTION_ARG_INT, &lg_opt.subscribers,
    "Connections that subscribe and receive changes", "N" },
  { "bookers", 0, 0, G_OPTION_ARG_INT, &lg_opt.bookers, "Connections that hold and book", "M" },
  { "idle", 0, 0, G_OPTION_ARG_INT, &lg_opt.idle, "Connections that only hello and subscribe",
    "N" },
  { "choice", 0, 0, G_OPTION_ARG_STRING, &lg_opt.choice, "Seat choice: uniform or hotspot", "C" },
  { "hot-seats", 0, 0, G_OPTION_ARG_INT, &lg_opt.hot_seats, "Seats of the hot spot (default 10)",
    "N" },
  { "ignore-view", 0, 0, G_OPTION_ARG_NONE, &lg_opt.ignore_view,
    "Pick seats without looking at their state (conflicts)", NULL },
  { "mode", 0, 0, G_OPTION_ARG_STRING, &lg_opt.mode,
    "hold-book (hold, then book the hold) or book (book seats directly)", "MODE" },
  { "max-seats", 'k', 0, G_OPTION_ARG_INT, &lg_opt.max_seats, "Seats per request: 1..k (default 4)",
    "K" },
  { "ttl", 0, 0, G_OPTION_ARG_INT, &lg_opt.ttl, "Hold TTL in seconds", "S" },
  { "subscribe-to", 0, 0, G_OPTION_ARG_STRING, &lg_opt.subscribe_to,
    "Events each subscriber watches: all, one (the first) or spread (round-robin)", "WHICH" },
  { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &lg_opt.duration,
    "Seconds of booking (stops earlier when sold out)", "S" },
  { "connect-rate", 0, 0, G_OPTION_ARG_DOUBLE, &lg_opt.connect_rate,
    "New connections per second (default 2000)", "R" },
  { "ramp", 0, 0, G_OPTION_ARG_DOUBLE, &lg_opt.ramp,
    "Spread the connections over S seconds (overrides --connect-rate)", "S" },
  { "max-pending", 0, 0, G_OPTION_ARG_INT, &lg_opt.max_pending,
    "Handshakes in flight at most (default 200)", "N" },
  { "connect-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &lg_opt.connect_timeout,
    "Give up when connecting takes longer (s)", "S" },
  { "settle", 0, 0, G_OPTION_ARG_DOUBLE, &lg_opt.settle,
    "Seconds to wait after connecting before sampling server memory", "S" },
  { "server-pid", 0, 0, G_OPTION_ARG_INT, &lg_opt.server_pid, "Server PID (CPU and RSS from /proc)",
    "PID" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &lg_opt.db, "Server's SQLite file, checked after the run",
    "PATH" },
  { "json", 0, 0, G_OPTION_ARG_NONE, &lg_opt.json, "Print the result as JSON", NULL },
  { "no-verify", 0, 0, G_OPTION_ARG_NONE, &lg_opt.no_verify, "Skip the after-run checks", NULL },
  { "seed", 0, 0, G_OPTION_ARG_INT, &lg_opt.seed, "Random seed", "N" },
  { "username", 0, 0, G_OPTION_ARG_STRING, &lg_opt.username,
    "Sign in as this account after hello (protocol 2; once per connection)", "NAME" },
  { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &lg_opt.password_file,
    "The account's password, on the first line of FILE", "FILE" },
  { "resume", 0, 0, G_OPTION_ARG_NONE, &lg_opt.resume,
    "Subscribers and idle connections subscribe with `since` (a replay, not a snapshot)", NULL },
  { NULL },
};

typedef struct
{
  /* State. */
  LgLoop *loop;
  struct sockaddr_in server_address;
  char *host_header;
  char *ws_path;
  char *metrics_url;
  gboolean use_tls;    /* wss:// */
  GPtrArray *events;   /* Event */
  GPtrArray *conns;    /* Conn, in creation order */
  GPtrArray *watchers; /* Conn, borrowed */
  GPtrArray *bookers;  /* Conn, borrowed */
  guint n_to_connect;  /* subscribers + idle */
  guint n_connect_started;
  guint n_ready; /* subscribers and idle with every subscription confirmed */
  guint n_bookers_ready;
  guint n_watchers_ready;
  Phase phase;
  GRand *rng;
  gint64 next_wake;
  GArray *ops; /* Op */
  gboolean stop_requested;

  /* Sign-in (send_sign_in ()): the password, the token every connection after the first signs in
   * with, and the connections waiting for it. */
  char *password;
  char *token;
  gboolean password_sign_in_sent;
  GPtrArray *waiting_for_token;

  /* Results, counted during PHASE_RUN (and the drain that follows it). */
  LgHist latency[N_REQ_KINDS];
  LgHist fanout_lag;
  guint64 n_holds, n_bookings, n_seats_booked, n_rejected, n_requests;
  guint64 n_double_acks, n_gaps, n_changed_msgs, n_idle_msgs;
  guint64 n_conn_failed, n_conn_closed;
  GHashTable *errors_by_code; /* code → count (GUINT_TO_POINTER) */
  GHashTable *closes_by_code;
  gint64 run_start_us, run_end_us;
} LgRun;

static LgRun lg_run;

static void
count_into (GHashTable *table, const char *key)
{
  gpointer old = g_hash_table_lookup (table, key);
  g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

static gboolean
counting (void)
{
  return lg_run.phase == PHASE_RUN || lg_run.phase == PHASE_DRAIN;
}

/* ---- the shared seat view ---- */

static void
free_set_add (Event *event, guint seat)
{
  if (event->free_pos[seat] != G_MAXUINT)
    return;
  event->free_pos[seat] = event->n_free;
  event->free_list[event->n_free++] = seat;
}

static void
lg_free_set_remove (Event *event, guint seat)
{
  guint pos = event->free_pos[seat];
  if (pos == G_MAXUINT)
    return;
  guint last = event->free_list[--event->n_free];
  event->free_list[pos] = last;
  event->free_pos[last] = pos;
  event->free_pos[seat] = G_MAXUINT;
}

static void
lg_view_set (Event *event, guint seat, SbSeatState state)
{
  event->view[seat] = (guint8) state;
  if (state == SB_SEAT_FREE && !event->pending[seat])
    free_set_add (event, seat);
  else
    lg_free_set_remove (event, seat);
}

static gboolean
lg_seat_lookup (Event *event, const char *id, guint *out)
{
  guint found = GPOINTER_TO_UINT (g_hash_table_lookup (event->seat_index, id));
  if (found == 0)
    return FALSE;
  *out = found - 1;
  return TRUE;
}

static Event *
lg_event_new (const char *id)
{
  Event *event = g_new0 (Event, 1);

  event->id = g_strdup (id);
  event->versions = g_array_new (FALSE, TRUE, sizeof (VersionInfo));
  event->watch_msgs = g_array_new (FALSE, FALSE, sizeof (WatchMsg));
  event->watch_entries = g_array_new (FALSE, FALSE, sizeof (guint32));
  return event;
}

/* The watcher's snapshot: the venue (seat ids) and the seats that are not free, once per event. */
static gboolean
lg_event_load_snapshot (Event *event, const SbSnapshotMessage *snapshot, GError **error)
{
  gsize venue_len;
  const char *venue_text = g_bytes_get_data (snapshot->venue, &venue_len);

  event->venue = sb_venue_new_from_data (venue_text, (gssize) venue_len, event->id, error);
  if (event->venue == NULL)
    return FALSE;

  guint n = event->n_seats = sb_venue_get_n_seats (event->venue);
  event->seat_index = g_hash_table_new (g_str_hash, g_str_equal);
  event->view = g_new0 (guint8, n);
  event->pending = g_new0 (guint8, n);
  event->free_list = g_new (guint, n);
  event->free_pos = g_new (guint, n);
  event->sellable = g_new (guint, n);
  event->held_op = g_new0 (guint32, n);
  event->booked_op = g_new0 (guint32, n);
  event->acked_booking = g_new0 (char *, n);

  for (guint i = 0; i < n; i++)
    {
      const SbSeat *seat = sb_venue_get_seat (event->venue, i);
      g_hash_table_insert (event->seat_index, seat->id, GUINT_TO_POINTER (i + 1));
      event->free_pos[i] = G_MAXUINT;
    }
  for (guint i = 0; i < n; i++)
    lg_view_set (event, i, SB_SEAT_FREE);

  for (guint i = 0; i < snapshot->seats->len; i++)
    {
      const SbSeatUpdate *update = g_ptr_array_index (snapshot->seats, i);
      guint seat;
      if (lg_seat_lookup (event, update->id, &seat))
        lg_view_set (event, seat, update->state);
    }

  /* Seats marked blocked in the venue are never for sale. */
  for (guint i = 0; i < n; i++)
    {
      if (sb_venue_get_seat (event->venue, i)->blocked)
        lg_view_set (event, i, SB_SEAT_BLOCKED);
      if (event->view[i] != SB_SEAT_BLOCKED)
        event->sellable[event->n_sellable++] = i;
    }

  /* The hot spot: the first sellable seats in venue order (the front rows). */
  event->n_hot = MIN ((guint) lg_opt.hot_seats, event->n_sellable);
  event->hot = g_memdup2 (event->sellable, sizeof (guint) * MAX (event->n_hot, 1));

  event->base_version = event->version = event->max_seen = snapshot->version;
  event->ready = TRUE;
  return TRUE;
}

/* ---- versions and lag ---- */

static VersionInfo *
lg_version_info (Event *event, gint64 version)
{
  if (version <= event->base_version)
    return NULL;
  guint i = (guint) (version - event->base_version - 1);
  if (i >= event->versions->len)
    g_array_set_size (event->versions, i + 1);
  return &g_array_index (event->versions, VersionInfo, i);
}

/* A connection received versions (from, to] of the event at `when`. */
static void
lg_observe_versions (Event *event, gint64 from, gint64 to, gint64 when, gboolean is_subscriber)
{
  event->max_seen = MAX (event->max_seen, to);
  for (gint64 v = MAX (from, event->base_version) + 1; v <= to; v++)
    {
      VersionInfo *info = lg_version_info (event, v);
      if (info->n_seen == 0)
        info->t_first = when;
      else if (is_subscriber && counting ())
        lg_hist_add (&lg_run.fanout_lag, when - info->t_first);
      info->t_last = MAX (info->t_last, when);
      info->n_seen++;
    }
}

/* ---- requests ---- */

/* The request id of sequence number seq, in decimal. By hand: g_snprintf () costs ~670
 * instructions a call (callgrind), a quarter of what serializing the whole request costs. */
static char *
lg_seq_to_id (guint32 seq, char buf[11])
{
  char *p = buf + 10;

  *p = '\0';
  do
    *--p = (char) ('0' + seq % 10);
  while ((seq /= 10) != 0);
  return p;
}

static guint32
lg_conn_track (Conn *conn, ReqKind kind, guint event)
{
  guint32 seq = ++conn->next_seq;

  g_assert (conn->n_out < MAX_OUTSTANDING);
  conn->out[conn->n_out++] = (Outstanding){ seq, kind, g_get_monotonic_time (), event };
  return seq;
}

/* The sequence number of a request id of ours (seq_to_id ()). */
static gboolean
seq_from_id (const char *id, gsize len, guint32 *out)
{
  guint64 seq = 0;

  if (id == NULL || len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (id[i]) || seq > G_MAXUINT32 / 10)
        return FALSE;
      seq = seq * 10 + (guint64) (id[i] - '0');
    }
  if (seq > G_MAXUINT32)
    return FALSE;
  *out = (guint32) seq;
  return TRUE;
}

/* re is the reply's "re", len bytes (a scanned slice or a read string). */
static gboolean
lg_conn_untrack (Conn *conn, const char *re, gsize len, Outstanding *out)
{
  guint32 seq;

  if (!seq_from_id (re, len, &seq))
    return FALSE;
  for (guint i = 0; i < conn->n_out; i++)
    if (conn->out[i].seq == seq)
      {
        *out = conn->out[i];
        conn->out[i] = conn->out[--conn->n_out];
        return TRUE;
      }
  return FALSE;
}

static void
lg_conn_send (Conn *conn, const SbRequest *request)
{
  g_autofree char *json = sb_request_to_json (request);

  if (counting ())
    lg_run.n_requests++;
  lg_ws_send_text (conn->ws, json, strlen (json));
}

static void
send_request (Conn *conn, SbRequest *request)
{
  g_autofree char *json = sb_request_to_json (request);
  lg_ws_send_text (conn->ws, json, strlen (json));
}

static void
send_hello (Conn *conn)
{
  g_autofree char *id = g_strdup_printf ("%u", lg_conn_track (conn, REQ_HELLO, 0));
  g_autofree char *client_id = g_strdup_printf ("loadgen-%d-%u", (int) getpid (), conn->index);
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_HELLO, id);

  request->client_name = g_strdup ("seatbook-loadgen");
  request->client_id = g_strdup (client_id);
  request->protocol = SB_PROTOCOL_VERSION;
  send_request (conn, request);
}

/* Sign-in (protocol 2): the first connection signs in with the password, every later one with
 * the token it got, so the server runs Argon2id once, not once per connection. Connections
 * welcomed while that first sign-in is under way wait for its token. */
static void
send_sign_in (Conn *conn)
{
  g_autofree char *id = g_strdup_printf ("%u", lg_conn_track (conn, REQ_SIGN_IN, 0));
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_SIGN_IN, id);

  if (lg_run.token != NULL)
    request->token = g_strdup (lg_run.token);
  else
    {
      request->username = g_strdup (lg_opt.username);
      request->password = g_strdup (lg_run.password);
    }
  send_request (conn, request);
}

/* After the welcome: TRUE when the connection goes on at once (no sign-in configured). */
static gboolean
lg_begin_sign_in (Conn *conn)
{
  if (lg_opt.username == NULL)
    return TRUE;
  if (lg_run.token != NULL || !lg_run.password_sign_in_sent)
    {
      lg_run.password_sign_in_sent = TRUE;
      send_sign_in (conn);
    }
  else
    g_ptr_array_add (lg_run.waiting_for_token, conn);
  return FALSE;
}

/* A signed_in reply carrying the token the waiting connections sign in with. */
static void
lg_got_token (const char *value)
{
  if (lg_run.token != NULL || value == NULL)
    return;
  lg_run.token = g_strdup (value);
  for (guint i = 0; i < lg_run.waiting_for_token->len; i++)
    send_sign_in (lg_run.waiting_for_token->pdata[i]);
  g_ptr_array_set_size (lg_run.waiting_for_token, 0);
}

static Event *
find_event (const char *id)
{
  for (guint i = 0; i < lg_run.events->len; i++)
    if (g_str_equal (((Event *) lg_run.events->pdata[i])->id, id))
      return lg_run.events->pdata[i];
  return NULL;
}

static void
lg_send_subscribe (Conn *conn, guint sub)
{
  guint index = conn->sub_event[sub];
  g_autofree char *id = g_strdup_printf ("%u", lg_conn_track (conn, REQ_SUBSCRIBE, sub));
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_SUBSCRIBE, id);
  Event *event = index == G_MAXUINT ? find_event (lg_opt.idle_event) : lg_run.events->pdata[index];

  request->event_id = g_strdup (index == G_MAXUINT ? lg_opt.idle_event : event->id);
  /* A snapshot carries the whole venue (about 400 KB for the arena): --resume subscribes the way a
   * client that has the venue and state cached resumes, from the version the watcher has. */
  if (lg_opt.resume && conn->role != ROLE_WATCHER)
    request->since = event != NULL ? event->version : 0;
  send_request (conn, request);
}

/* ---- bookers ---- */

static void lg_booker_next (Conn *conn);

static void
booker_sleep (Conn *conn, gint64 delay_us)
{
  conn->wake_at = g_get_monotonic_time () + delay_us;
  if (lg_run.next_wake == 0 || conn->wake_at < lg_run.next_wake)
    lg_run.next_wake = conn->wake_at;
}

/* Ends the booker's claim on its seats: they go back to the free set where the view has them
 * free. */
static void
booker_unclaim (Conn *conn)
{
  Event *event = lg_run.events->pdata[conn->event];

  if (lg_opt.ignore_view)
    {
      conn->n_claim = 0;
      return;
    }
  for (guint i = 0; i < conn->n_claim; i++)
    {
      guint seat = conn->claim[i];
      if (event->pending[seat])
        {
          event->pending[seat] = 0;
          event->n_pending--;
        }
      lg_view_set (event, seat, (SbSeatState) event->view[seat]);
    }
  conn->n_claim = 0;
}

/* Picks up to k seats into conn->claim. Returns FALSE when the event has none to offer now. */
static gboolean
booker_pick (Conn *conn, Event *event, guint k)
{
  conn->n_claim = 0;

  if (lg_opt.ignore_view)
    {
      /* Blind choice among the hot seats or all sellable seats, distinct within one request. */
      const guint *pool = g_str_equal (lg_opt.choice, "hotspot") ? event->hot : event->sellable;
      guint n_pool = g_str_equal (lg_opt.choice, "hotspot") ? event->n_hot : event->n_sellable;
      k = MIN (k, n_pool);
      while (conn->n_claim < k)
        {
          guint seat = pool[g_rand_int_range (lg_run.rng, 0, (gint32) n_pool)];
          gboolean dup = FALSE;
          for (guint i = 0; i < conn->n_claim; i++)
            dup |= conn->claim[i] == seat;
          if (!dup)
            conn->claim[conn->n_claim++] = seat;
        }
      return k > 0;
    }

  if (g_str_equal (lg_opt.choice, "hotspot"))
    {
      guint candidates[MAX_HOLD_SEATS * 4];
      guint n = 0;
      for (guint i = 0; i < event->n_hot && n < G_N_ELEMENTS (candidates); i++)
        if (event->free_pos[event->hot[i]] != G_MAXUINT)
          candidates[n++] = event->hot[i];
      while (conn->n_claim < k && n > 0)
        {
          guint j = (guint) g_rand_int_range (lg_run.rng, 0, (gint32) n);
          conn->claim[conn->n_claim++] = candidates[j];
          candidates[j] = candidates[--n];
        }
    }
  else
    {
      while (conn->n_claim < k && event->n_free > 0)
        {
          guint seat = event->free_list[g_rand_int_range (lg_run.rng, 0, (gint32) event->n_free)];
          lg_free_set_remove (event, seat);
          conn->claim[conn->n_claim++] = seat;
        }
    }

  for (guint i = 0; i < conn->n_claim; i++)
    {
      event->pending[conn->claim[i]] = 1;
      event->n_pending++;
      lg_free_set_remove (event, conn->claim[i]);
    }
  return conn->n_claim > 0;
}

static gboolean
event_exhausted (Event *event)
{
  if (lg_opt.ignore_view)
    return FALSE;
  if (g_str_equal (lg_opt.choice, "hotspot"))
    {
      for (guint i = 0; i < event->n_hot; i++)
        if (event->view[event->hot[i]] == SB_SEAT_FREE
            || event->view[event->hot[i]] == SB_SEAT_HELD)
          return FALSE;
      return TRUE;
    }
  return event->n_free == 0 && event->n_pending == 0;
}

static void
lg_booker_next (Conn *conn)
{
  if (lg_run.phase != PHASE_RUN || conn->done || conn->ws == NULL)
    return;

  /* Stay on one event until it has nothing left, then move on to the next one. */
  Event *event = NULL;
  guint k = (guint) g_rand_int_range (lg_run.rng, 1, lg_opt.max_seats + 1);
  for (guint tries = 0; tries < lg_run.events->len; tries++)
    {
      Event *candidate = lg_run.events->pdata[conn->event];
      if (!candidate->sold_out && booker_pick (conn, candidate, k))
        {
          event = candidate;
          break;
        }
      if (!candidate->sold_out && !event_exhausted (candidate))
        {
          /* Seats are in flight elsewhere: look again shortly. */
          booker_sleep (conn, 2000);
          return;
        }
      candidate->sold_out = TRUE;
      conn->event = (conn->event + 1) % lg_run.events->len;
    }
  if (event == NULL)
    {
      conn->done = TRUE;
      return;
    }

  /* The hot path: the request lives on the stack and borrows the event's and the venue's strings,
   * so that nothing is allocated but the text. */
  gboolean book = g_str_equal (lg_opt.mode, "book");
  char id[11];
  char *seat_ids[MAX_HOLD_SEATS + 1];
  SbRequest request = { .type = book ? SB_REQUEST_BOOK : SB_REQUEST_HOLD, .since = -1 };

  request.id = lg_seq_to_id (lg_conn_track (conn, book ? REQ_BOOK : REQ_HOLD, conn->event), id);
  for (guint i = 0; i < conn->n_claim; i++)
    seat_ids[i] = sb_venue_get_seat (event->venue, conn->claim[i])->id;
  seat_ids[conn->n_claim] = NULL;
  request.event_id = event->id;
  request.seats = seat_ids;
  request.ttl_seconds = book ? 0 : lg_opt.ttl;
  lg_conn_send (conn, &request);
}

static void
booker_book_hold (Conn *conn)
{
  char id[11];
  SbRequest request = { .type = SB_REQUEST_BOOK, .hold_id = conn->hold_id, .since = -1 };

  request.id = lg_seq_to_id (lg_conn_track (conn, REQ_BOOK, conn->event), id);
  lg_conn_send (conn, &request);
}

static guint32
op_new (gint64 ack_us)
{
  Op op = { ack_us, FALSE };
  g_array_append_val (lg_run.ops, op);
  return lg_run.ops->len; /* index + 1 */
}

/* Bookers read their replies with the scanner (lg-json.h says why). */
static void
lg_booker_on_reply (Conn *conn, const LgMsg *msg, const Outstanding *req, gint64 now)
{
  Event *event = lg_run.events->pdata[req->event];

  if (counting ())
    lg_hist_add (&lg_run.latency[req->kind], now - req->sent_us);

  if (lg_slice_equal (&msg->type, "error"))
    {
      g_autofree char *code = lg_json_slice_dup (&msg->code);
      if (counting ())
        count_into (lg_run.errors_by_code, code != NULL ? code : "(none)");

      if (g_strcmp0 (code, "seat_unavailable") == 0)
        {
          if (counting ())
            lg_run.n_rejected++;
          /* What the error names is taken: keep it out of the free set until the watcher says
           * otherwise, so we do not ask for it again at once. */
          g_auto (GStrv) taken = lg_json_string_array_dup (&msg->seats);
          for (guint i = 0; taken != NULL && taken[i] != NULL; i++)
            {
              guint seat = GPOINTER_TO_UINT (g_hash_table_lookup (event->seat_index, taken[i]));
              if (seat > 0 && event->view[seat - 1] == SB_SEAT_FREE)
                lg_view_set (event, seat - 1, SB_SEAT_HELD);
            }
          booker_unclaim (conn);
          lg_booker_next (conn);
        }
      else if (g_strcmp0 (code, "rate_limited") == 0)
        {
          gint64 retry_ms = 10;
          lg_json_slice_to_int (&msg->retry_after_ms, &retry_ms);
          booker_unclaim (conn);
          booker_sleep (conn, MAX (retry_ms, 1) * 1000);
        }
      else
        {
          booker_unclaim (conn);
          g_clear_pointer (&conn->hold_id, g_free);
          /* Do not spin on a persistent failure. */
          booker_sleep (conn, 10000);
        }
      return;
    }

  if (req->kind == REQ_HOLD && lg_slice_equal (&msg->type, "held"))
    {
      guint32 op = op_new (now);
      if (counting ())
        lg_run.n_holds++;
      if (!lg_opt.ignore_view)
        for (guint i = 0; i < conn->n_claim; i++)
          event->held_op[conn->claim[i]] = op;
      g_free (conn->hold_id);
      conn->hold_id = lg_json_slice_dup (&msg->hold);
      booker_book_hold (conn);
      return;
    }

  if (req->kind == REQ_BOOK && lg_slice_equal (&msg->type, "booked"))
    {
      guint32 op = op_new (now);
      g_autofree char *booking = lg_json_slice_dup (&msg->booking);

      /* The reply's seats are what the server says it booked: trust them over our claim (with
       * --ignore-view the claim is all we have to compare with). */
      g_auto (GStrv) seats = lg_json_string_array_dup (&msg->seats);
      guint n = 0;
      for (guint i = 0; seats != NULL && seats[i] != NULL; i++, n++)
        {
          guint seat = GPOINTER_TO_UINT (g_hash_table_lookup (event->seat_index, seats[i]));
          if (seat == 0)
            continue;
          seat--;
          if (event->acked_booking[seat] != NULL)
            {
              /* Two acknowledged bookings for one seat: the bug this tool exists to catch. */
              if (++lg_run.n_double_acks <= 10)
                g_printerr ("DOUBLE BOOKING: %s seat %s acknowledged as %s and %s\n", event->id,
                            seats[i], event->acked_booking[seat], booking);
            }
          else
            {
              event->acked_booking[seat] = g_strdup (booking);
              event->seats_acked++;
            }
          event->booked_op[seat] = op;
          /* The reply is the newest truth about these seats; the watcher may not have seen the
           * change yet. */
          if (event->pending[seat])
            {
              event->pending[seat] = 0;
              event->n_pending--;
            }
          lg_view_set (event, seat, SB_SEAT_BOOKED);
        }
      if (counting ())
        {
          lg_run.n_bookings++;
          lg_run.n_seats_booked += n;
        }
      booker_unclaim (conn);
      g_clear_pointer (&conn->hold_id, g_free);
      lg_booker_next (conn);
      return;
    }

  g_printerr ("unexpected reply %.*s to a %s request\n", (int) msg->type.len, msg->type.p,
              lg_req_kind_names[req->kind]);
  booker_unclaim (conn);
  booker_sleep (conn, 10000);
}

/* ---- watchers and subscribers ---- */

static void
watcher_on_changed (Conn *conn, Event *event, const SbChangedMessage *changed)
{
  WatchMsg log = { changed->from_version, changed->version, event->watch_entries->len, 0 };

  for (guint i = 0; i < changed->seats->len; i++)
    {
      const SbSeatUpdate *update = g_ptr_array_index (changed->seats, i);
      SbSeatState state = update->state;
      guint seat;
      if (!lg_seat_lookup (event, update->id, &seat))
        continue;
      /* Do not let a hold we already know was booked turn a seat back into "held". */
      if (!(event->view[seat] == SB_SEAT_BOOKED && state == SB_SEAT_HELD))
        lg_view_set (event, seat, state);
      guint32 entry = seat << 2 | (guint32) state;
      g_array_append_val (event->watch_entries, entry);
      log.n_entries++;
    }
  if (counting () || lg_run.phase == PHASE_BOOKERS)
    g_array_append_val (event->watch_msgs, log);
  event->version = MAX (event->version, changed->version);
}

static void
conn_all_subscribed (Conn *conn)
{
  if (conn->role == ROLE_WATCHER)
    lg_run.n_watchers_ready++;
  else
    lg_run.n_ready++;
}

/* A `changed` moved event_id (event_len bytes) from version `from` to `to`. Returns the event
 * when this connection subscribes to it. */
static Event *
lg_subscriber_on_changed (
    Conn *conn, const char *event_id, gsize event_len, gint64 from, gint64 to, gint64 now)
{
  if (conn->role == ROLE_IDLE)
    {
      if (counting ())
        lg_run.n_idle_msgs++;
      return NULL;
    }
  if (counting ())
    lg_run.n_changed_msgs++;
  /* Find the subscription by event id: a connection watches few events. */
  for (guint s = 0; s < conn->n_subs; s++)
    {
      Event *event = lg_run.events->pdata[conn->sub_event[s]];
      if (strncmp (event->id, event_id, event_len) != 0 || event->id[event_len] != '\0')
        continue;
      if (conn->sub_version[s] >= 0 && from != conn->sub_version[s])
        lg_run.n_gaps++;
      conn->sub_version[s] = to;
      lg_observe_versions (event, from, to, now, conn->role == ROLE_SUBSCRIBER);
      return event;
    }
  return NULL;
}

/* The reply to subscribe request req brought the subscription to version: on to the next one. */
static void
lg_subscriber_on_subscribed (Conn *conn, const Outstanding *req, gint64 version, gint64 now)
{
  if (lg_run.phase <= PHASE_BOOKERS || counting ())
    lg_hist_add (&lg_run.latency[req->kind], now - req->sent_us);
  conn->sub_version[req->event] = version;
  if (++conn->n_subscribed == conn->n_subs)
    conn_all_subscribed (conn);
  else
    lg_send_subscribe (conn, conn->n_subscribed);
}

/* Everything but the subscribers' `changed` and snapshots: the subscriptions and the watcher's
 * view, read with protocol/'s typed readers. */
static void
lg_subscriber_on_message (Conn *conn, const SbMessage *msg, gint64 now)
{
  if (msg->type == SB_MESSAGE_CHANGED)
    {
      const SbChangedMessage *changed = msg->changed;
      Event *event = lg_subscriber_on_changed (conn, changed->event, strlen (changed->event),
                                               changed->from_version, changed->version, now);
      if (event != NULL && conn->role == ROLE_WATCHER)
        watcher_on_changed (conn, event, changed);
      return;
    }

  Outstanding req;
  if (msg->re == NULL || !lg_conn_untrack (conn, msg->re, strlen (msg->re), &req))
    return;
  if (msg->type == SB_MESSAGE_SNAPSHOT || msg->type == SB_MESSAGE_REPLAY)
    {
      if (conn->role == ROLE_WATCHER)
        {
          g_autoptr (GError) error = NULL;
          Event *event = lg_run.events->pdata[conn->sub_event[req.event]];
          if (msg->type != SB_MESSAGE_SNAPSHOT)
            g_error ("event %s: the watcher needs a snapshot, got a replay", event->id);
          if (!lg_event_load_snapshot (event, msg->snapshot, &error))
            g_error ("event %s: unusable snapshot: %s", event->id, error->message);
        }
      lg_subscriber_on_subscribed (
          conn, &req,
          msg->type == SB_MESSAGE_SNAPSHOT ? msg->snapshot->version : msg->replay->version, now);
      return;
    }

  if (lg_run.phase <= PHASE_BOOKERS || counting ())
    lg_hist_add (&lg_run.latency[req.kind], now - req.sent_us);
  if (msg->type == SB_MESSAGE_WELCOME || msg->type == SB_MESSAGE_SIGNED_IN)
    {
      if (msg->type == SB_MESSAGE_SIGNED_IN)
        lg_got_token (msg->signed_in->token);
      else
        {
          conn->welcomed = TRUE;
          if (!lg_begin_sign_in (conn))
            return;
        }
      /* One subscription at a time: subscribing to 20 events at once would queue 20 snapshots
       * (8 MB) for one connection, which a server may rightly treat as a client too slow. */
      if (conn->n_subs > 0)
        lg_send_subscribe (conn, 0);
      else
        conn_all_subscribed (conn);
    }
  else if (msg->type == SB_MESSAGE_ERROR)
    {
      const char *code = sb_error_code_to_string (msg->error->code);
      if (req.kind == REQ_SIGN_IN)
        g_error ("sign_in as %s failed: %s", lg_opt.username, msg->error->message);
      g_printerr ("%s request failed: %s\n", lg_req_kind_names[req.kind], code);
      count_into (lg_run.errors_by_code, code != NULL ? code : "(none)");
      /* Go on with the other subscriptions; the connection counts as ready without this one. */
      if (req.kind == REQ_SUBSCRIBE && ++conn->n_subscribed == conn->n_subs)
        conn_all_subscribed (conn);
      else if (req.kind == REQ_SUBSCRIBE)
        lg_send_subscribe (conn, conn->n_subscribed);
    }
}

/* ---- connection callbacks ---- */

static void
on_opened (LgWs *ws, gint64 when, gpointer user_data)
{
  send_hello (user_data);
}

static void
on_message (LgWs *ws, const char *text, gsize len, gint64 when, gpointer user_data)
{
  Conn *conn = user_data;
  LgMsg scan;

  /* The scanner first: it is all that bookers and subscribers need (lg-json.h). */
  if (!lg_msg_scan (text, len, &scan))
    {
      g_printerr ("unreadable message: %.*s\n", (int) MIN (len, 200), text);
      return;
    }

  if (conn->role == ROLE_BOOKER)
    {
      Outstanding req;
      if (scan.re.p == NULL || !lg_conn_untrack (conn, scan.re.p, scan.re.len, &req))
        return; /* a booker subscribes to nothing: nothing else to read */
      if (req.kind == REQ_HELLO || req.kind == REQ_SIGN_IN)
        {
          if (req.kind == REQ_SIGN_IN)
            {
              /* Once per connection: the full reader, for the token. */
              g_autoptr (GError) error = NULL;
              g_autoptr (SbMessage) msg = sb_message_parse (text, len, &error);

              if (msg == NULL || msg->type != SB_MESSAGE_SIGNED_IN)
                g_error ("sign_in as %s failed: %.*s", lg_opt.username, (int) MIN (len, 300), text);
              lg_got_token (msg->signed_in->token);
            }
          else
            {
              conn->welcomed = TRUE;
              if (!lg_begin_sign_in (conn))
                return;
            }
          lg_run.n_bookers_ready++;
          lg_booker_next (conn);
        }
      else
        lg_booker_on_reply (conn, &scan, &req, when);
      return;
    }
  /* Most of what subscribers and idle connections get is bulk they do not read — each
   * `changed`'s seats, each snapshot's 409 KB venue, which sb_message_parse () reads in 22.9
   * million instructions — so they take these from the scanner; only the watcher reads them. */
  if (conn->role != ROLE_WATCHER && lg_slice_equal (&scan.type, "changed"))
    {
      lg_subscriber_on_changed (conn, scan.event.p, scan.event.len, scan.from_version, scan.version,
                                when);
      return;
    }
  if (conn->role != ROLE_WATCHER && lg_slice_equal (&scan.type, "snapshot"))
    {
      Outstanding req;
      if (scan.re.p != NULL && lg_conn_untrack (conn, scan.re.p, scan.re.len, &req))
        lg_subscriber_on_subscribed (conn, &req, scan.version, when);
      return;
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) msg = sb_message_parse (text, len, &error);
  if (msg == NULL)
    {
      /* A newer server's message type is skipped, as the protocol asks of clients. */
      if (!g_error_matches (error, SB_MESSAGE_READ_ERROR, SB_MESSAGE_READ_ERROR_UNKNOWN_TYPE))
        g_printerr ("unreadable message (%s): %.*s\n", error->message, (int) MIN (len, 200), text);
      return;
    }
  lg_subscriber_on_message (conn, msg, when);
}

static void
on_closed (LgWs *ws, guint code, const char *reason, gpointer user_data)
{
  Conn *conn = user_data;
  g_autofree char *key = g_strdup_printf ("%u %s", code, reason != NULL ? reason : "");

  if (!conn->welcomed)
    lg_run.n_conn_failed++;
  else
    lg_run.n_conn_closed++;
  count_into (lg_run.closes_by_code, key);
  conn->ws = NULL;
  conn->done = TRUE;
  if (lg_run.n_conn_failed + lg_run.n_conn_closed <= 5)
    g_printerr ("connection %u (%s) closed: %u %s\n", conn->index,
                conn->role == ROLE_BOOKER ? "booker" : "subscriber", code, reason);
}

static const LgWsCallbacks callbacks = { on_opened, on_message, on_closed };

static Conn *
lg_conn_start (Role role)
{
  g_autoptr (GError) error = NULL;
  Conn *conn = g_new0 (Conn, 1);

  conn->role = role;
  conn->index = lg_run.conns->len;
  g_ptr_array_add (lg_run.conns, conn);

  switch (role)
    {
      case ROLE_WATCHER:
        conn->n_subs = 1;
        conn->sub_event = g_new (guint, 1);
        conn->sub_event[0] = lg_run.watchers->len;
        g_ptr_array_add (lg_run.watchers, conn);
        break;
      case ROLE_SUBSCRIBER:
        {
          static guint spread = 0;
          if (g_str_equal (lg_opt.subscribe_to, "all"))
            {
              conn->n_subs = lg_run.events->len;
              conn->sub_event = g_new (guint, lg_run.events->len);
              for (guint i = 0; i < lg_run.events->len; i++)
                conn->sub_event[i] = i;
            }
          else
            {
              conn->n_subs = 1;
              conn->sub_event = g_new (guint, 1);
              conn->sub_event[0]
                  = g_str_equal (lg_opt.subscribe_to, "one") ? 0 : spread++ % lg_run.events->len;
            }
          break;
        }
      case ROLE_IDLE:
        conn->n_subs = 1;
        conn->sub_event = g_new (guint, 1);
        conn->sub_event[0] = G_MAXUINT;
        break;
      case ROLE_BOOKER:
        conn->event = lg_run.bookers->len % lg_run.events->len;
        g_ptr_array_add (lg_run.bookers, conn);
        break;
    }
  conn->sub_version = g_new (gint64, MAX (conn->n_subs, 1));
  for (guint s = 0; s < conn->n_subs; s++)
    {
      conn->sub_version[s] = -1;
      if (conn->sub_event[s] != G_MAXUINT && role != ROLE_IDLE)
        ((Event *) lg_run.events->pdata[conn->sub_event[s]])->n_observers++;
    }

  conn->ws = lg_ws_connect (lg_run.loop, &lg_run.server_address, lg_run.host_header, lg_run.ws_path,
                            &callbacks, conn, &error);
  if (conn->ws == NULL)
    {
      g_printerr ("connect: %s\n", error->message);
      lg_run.n_conn_failed++;
      conn->done = TRUE;
    }
  return conn;
}

/* ---- setup ---- */

static gboolean
parse_url (GError **error)
{
  g_autoptr (GUri) uri = g_uri_parse (lg_opt.url, G_URI_FLAGS_NONE, error);

  if (uri == NULL)
    return FALSE;
  if (g_strcmp0 (g_uri_get_scheme (uri), "ws") != 0
      && g_strcmp0 (g_uri_get_scheme (uri), "wss") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "only ws:// and wss:// URLs are supported");
      return FALSE;
    }
  lg_run.use_tls = g_strcmp0 (g_uri_get_scheme (uri), "wss") == 0;
  const char *host = g_uri_get_host (uri);
  int port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : lg_run.use_tls ? 443 : 80;

  /* A load generator must never be pointed at somebody else's machine by mistake. */
  memset (&lg_run.server_address, 0, sizeof lg_run.server_address);
  lg_run.server_address.sin_family = AF_INET;
  lg_run.server_address.sin_port = htons ((guint16) port);
  if (g_strcmp0 (host, "localhost") == 0)
    inet_pton (AF_INET, "127.0.0.1", &lg_run.server_address.sin_addr);
  else if (inet_pton (AF_INET, host, &lg_run.server_address.sin_addr) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the host must be a loopback IPv4 address, not %s", host);
      return FALSE;
    }
  if ((ntohl (lg_run.server_address.sin_addr.s_addr) >> 24) != 127)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "refusing to load %s: only loopback (127.0.0.0/8) targets are allowed", host);
      return FALSE;
    }
  lg_run.host_header = g_strdup_printf ("%s:%d", host, port);
  lg_run.ws_path = g_strdup (g_uri_get_path (uri)[0] != '\0' ? g_uri_get_path (uri) : "/");
  lg_run.metrics_url
      = g_strdup_printf ("%s://%s:%d/metrics", lg_run.use_tls ? "https" : "http", host, port);
  return TRUE;
}

static void
lg_raise_fd_limit (guint needed)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return;
  /* Try for 65536 (root may raise the hard limit), else take what the hard limit allows. */
  struct rlimit want = { MAX (limit.rlim_cur, 65536), MAX (limit.rlim_max, 65536) };
  if (setrlimit (RLIMIT_NOFILE, &want) != 0)
    {
      want.rlim_cur = want.rlim_max = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &want);
    }
  getrlimit (RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur < needed + 64)
    g_printerr ("warning: open files limited to %lu, %u connections wanted\n",
                (unsigned long) limit.rlim_cur, needed);
}

static void
on_signal (int signum)
{
  lg_run.stop_requested = TRUE;
}

/* Runs the loop until `done` says so or the deadline passes. Returns FALSE on timeout. */
static gboolean
run_until (gboolean (*done) (void), double timeout_s, void (*tick) (gint64 now))
{
  gint64 deadline = g_get_monotonic_time () + (gint64) (timeout_s * G_USEC_PER_SEC);

  while (!done ())
    {
      gint64 now = g_get_monotonic_time ();
      if (now >= deadline || lg_run.stop_requested)
        return FALSE;
      int timeout_ms = 20;
      if (lg_run.next_wake != 0)
        timeout_ms = (int) CLAMP ((lg_run.next_wake - now + 999) / 1000, 0, 20);
      lg_loop_iterate (lg_run.loop, timeout_ms);
      now = g_get_monotonic_time ();
      if (lg_run.next_wake != 0 && now >= lg_run.next_wake)
        {
          lg_run.next_wake = 0;
          for (guint i = 0; i < lg_run.bookers->len; i++)
            {
              Conn *conn = lg_run.bookers->pdata[i];
              if (conn->wake_at == 0)
                continue;
              if (conn->wake_at <= now)
                {
                  conn->wake_at = 0;
                  lg_booker_next (conn);
                }
              else if (lg_run.next_wake == 0 || conn->wake_at < lg_run.next_wake)
                lg_run.next_wake = conn->wake_at;
            }
        }
      if (tick != NULL)
        tick (now);
    }
  return TRUE;
}

static gboolean
watchers_ready (void)
{
  return lg_run.n_watchers_ready == lg_run.watchers->len;
}

static gint64 connect_start_us;

static void
connect_tick (gint64 now)
{
  double rate = lg_opt.ramp > 0 ? lg_run.n_to_connect / lg_opt.ramp : lg_opt.connect_rate;
  double elapsed = (double) (now - connect_start_us) / G_USEC_PER_SEC;
  guint allowed = (guint) MIN ((double) lg_run.n_to_connect, rate * elapsed + 1);

  while (lg_run.n_connect_started < allowed
         && lg_loop_get_n_pending (lg_run.loop) < (guint) lg_opt.max_pending)
    {
      /* Subscribers first, then the idle ones. */
      lg_conn_start (lg_run.n_connect_started < (guint) lg_opt.subscribers ? ROLE_SUBSCRIBER
                                                                           : ROLE_IDLE);
      lg_run.n_connect_started++;
    }
}

static gboolean
all_connected (void)
{
  return lg_run.n_connect_started == lg_run.n_to_connect
         && lg_run.n_ready + lg_run.n_conn_failed >= lg_run.n_to_connect;
}

static gboolean
bookers_ready (void)
{
  return lg_run.n_bookers_ready + lg_run.n_conn_failed >= lg_run.bookers->len;
}

static gint64 run_deadline;

static gboolean
run_finished (void)
{
  if (g_get_monotonic_time () >= run_deadline)
    return TRUE;
  for (guint i = 0; i < lg_run.bookers->len; i++)
    if (!((Conn *) lg_run.bookers->pdata[i])->done)
      return FALSE;
  return TRUE;
}

static gboolean
drained (void)
{
  for (guint i = 0; i < lg_run.bookers->len; i++)
    {
      Conn *conn = lg_run.bookers->pdata[i];
      if (conn->ws != NULL && conn->n_out > 0)
        return FALSE;
    }
  /* Every subscriber and watcher has every version any of them has. */
  for (guint i = 0; i < lg_run.conns->len; i++)
    {
      Conn *conn = lg_run.conns->pdata[i];
      if ((conn->role != ROLE_SUBSCRIBER && conn->role != ROLE_WATCHER) || conn->ws == NULL)
        continue;
      for (guint s = 0; s < conn->n_subs; s++)
        if (conn->sub_version[s] < ((Event *) lg_run.events->pdata[conn->sub_event[s]])->max_seen)
          return FALSE;
    }
  return TRUE;
}

static gboolean
never (void)
{
  return FALSE;
}

/* ---- results ---- */

/* Gives each version the time its commit was acknowledged, where a reply can be matched to it.
 * A `changed` message covering versions (from, to] holds the final state of the seats those
 * versions touched; the replies that acknowledged those seats are the ops of those versions.
 * Sorted by reply time they line up with the versions in order, since the server commits and
 * replies in version order. Where the counts do not match (a hold and its booking coalesced into
 * one message shows only "booked"; changes made by others) the holds of booked seats are tried,
 * and failing that the versions keep only their first-receipt time. */
static void
assign_ack_times (Event *event)
{
  g_autoptr (GArray) acks = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint m = 0; m < event->watch_msgs->len; m++)
    {
      WatchMsg *msg = &g_array_index (event->watch_msgs, WatchMsg, m);
      guint want = (guint) (msg->to - msg->from);

      for (int pass = 0; pass < 2; pass++)
        {
          g_array_set_size (acks, 0);
          for (guint e = 0; e < msg->n_entries; e++)
            {
              guint32 entry = g_array_index (event->watch_entries, guint32, msg->first_entry + e);
              guint seat = entry >> 2;
              SbSeatState state = (SbSeatState) (entry & 3);
              guint32 candidates[2] = { 0, 0 };
              if (state == SB_SEAT_HELD)
                candidates[0] = event->held_op[seat];
              else if (state == SB_SEAT_BOOKED)
                {
                  candidates[0] = event->booked_op[seat];
                  if (pass == 1)
                    candidates[1] = event->held_op[seat];
                }
              for (guint c = 0; c < 2; c++)
                {
                  guint32 op = candidates[c];
                  gboolean dup = op == 0 || g_array_index (lg_run.ops, Op, op - 1).assigned;
                  for (guint j = 0; !dup && j < acks->len; j++)
                    dup = g_array_index (acks, guint32, j) == op;
                  if (!dup)
                    g_array_append_val (acks, op);
                }
            }
          if (acks->len == want)
            break;
        }
      if (acks->len != want)
        continue;

      /* Few entries per message: insertion sort by ack time. */
      for (guint a = 1; a < acks->len; a++)
        for (guint b = a;
             b > 0
             && g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, b - 1) - 1).ack_us
                    > g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, b) - 1).ack_us;
             b--)
          {
            guint32 t = g_array_index (acks, guint32, b);
            g_array_index (acks, guint32, b) = g_array_index (acks, guint32, b - 1);
            g_array_index (acks, guint32, b - 1) = t;
          }
      for (guint a = 0; a < acks->len; a++)
        {
          Op *op = &g_array_index (lg_run.ops, Op, g_array_index (acks, guint32, a) - 1);
          VersionInfo *info = lg_version_info (event, msg->from + 1 + a);
          if (info != NULL)
            info->t_ack = op->ack_us;
          op->assigned = TRUE;
        }
    }
}

typedef struct
{
  LgHist commit_to_all; /* per version: last subscriber's receipt − commit reference */
  LgHist ack_to_first;  /* per version: first receipt − reply receipt (where matched) */
  guint64 n_versions, n_matched, n_incomplete;
} LgLagSummary;

static void
lg_summarize_lag (LgLagSummary *summary)
{
  memset (summary, 0, sizeof *summary);
  for (guint e = 0; e < lg_run.events->len; e++)
    {
      Event *event = lg_run.events->pdata[e];
      assign_ack_times (event);
      for (guint i = 0; i < event->versions->len; i++)
        {
          VersionInfo *info = &g_array_index (event->versions, VersionInfo, i);
          if (info->n_seen == 0 || info->t_first < lg_run.run_start_us)
            continue;
          summary->n_versions++;
          if (info->n_seen < event->n_observers)
            {
              summary->n_incomplete++;
              continue;
            }
          gint64 ref = info->t_first;
          if (info->t_ack != 0)
            {
              summary->n_matched++;
              lg_hist_add (&summary->ack_to_first, info->t_first - info->t_ack);
              ref = MIN (ref, info->t_ack);
            }
          lg_hist_add (&summary->commit_to_all, info->t_last - ref);
        }
    }
}

static void
add_hist (JsonBuilder *b, const char *name, const LgHist *hist)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, (gint64) hist->n);
  const double qs[] = { 0.5, 0.95, 0.99, 0.999 };
  const char *qn[] = { "p50_ms", "p95_ms", "p99_ms", "p999_ms" };
  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    {
      json_builder_set_member_name (b, qn[i]);
      json_builder_add_double_value (b, lg_hist_percentile (hist, qs[i]) / 1000.0);
    }
  json_builder_set_member_name (b, "max_ms");
  json_builder_add_double_value (b, (double) hist->max / 1000.0);
  json_builder_set_member_name (b, "mean_ms");
  json_builder_add_double_value (b, lg_hist_mean (hist) / 1000.0);
  json_builder_end_object (b);
}

static void
add_double (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, value);
}

static void
add_int (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_counts (JsonBuilder *b, const char *name, GHashTable *table)
{
  GHashTableIter iter;
  gpointer key, value;

  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    add_int (b, key, GPOINTER_TO_UINT (value));
  json_builder_end_object (b);
}

static void
print_hist (const char *name, const LgHist *hist)
{
  if (hist->n == 0)
    return;
  printf ("  %-28s n=%-9" G_GUINT64_FORMAT " p50 %8.3f  p95 %8.3f  p99 %8.3f  max %8.3f ms\n", name,
          hist->n, lg_hist_percentile (hist, 0.5) / 1000.0,
          lg_hist_percentile (hist, 0.95) / 1000.0, lg_hist_percentile (hist, 0.99) / 1000.0,
          (double) hist->max / 1000.0);
}

/* ---- verification ---- */

typedef struct
{
  gboolean ran;
  gboolean ok;
  guint64 acked_missing;  /* acknowledged, but not booked in the snapshot */
  guint64 booked_unacked; /* booked in the snapshot, never acknowledged to us */
  guint64 db_missing;     /* acknowledged, not in the database (or another booking id) */
  guint64 db_duplicates;
  guint64 db_inconsistent;
  char *error;
} LgCheck;

static void
lg_check (LgCheck *result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  memset (result, 0, sizeof *result);
  result->ran = TRUE;
  for (guint e = 0; e < lg_run.events->len; e++)
    g_ptr_array_add (ids, ((Event *) lg_run.events->pdata[e])->id);
  g_ptr_array_add (ids, NULL);

  g_autoptr (GPtrArray) snapshots = lg_verify_fetch_snapshots (
      lg_opt.url, lg_run.token, (const char *const *) ids->pdata, 60, &error);
  if (snapshots == NULL)
    {
      result->error = g_strdup (error->message);
      return;
    }

  for (guint e = 0; e < lg_run.events->len; e++)
    {
      Event *event = lg_run.events->pdata[e];
      LgSnapshot *snapshot = snapshots->pdata[e];
      for (guint s = 0; s < event->n_seats; s++)
        {
          const char *id = sb_venue_get_seat (event->venue, s)->id;
          const char *state = g_hash_table_lookup (snapshot->states, id);
          gboolean booked = g_strcmp0 (state, "booked") == 0;
          if (event->acked_booking[s] != NULL && !booked)
            {
              result->acked_missing++;
              if (result->acked_missing <= 5)
                g_printerr ("MISSING: %s %s acknowledged as %s but is %s\n", event->id, id,
                            event->acked_booking[s], state != NULL ? state : "free");
            }
          else if (event->acked_booking[s] == NULL && booked)
            result->booked_unacked++;
        }

      if (lg_opt.db != NULL)
        {
          guint dups = 0, inconsistent = 0;
          g_autoptr (GHashTable) db
              = lg_verify_read_db (lg_opt.db, event->id, &dups, &inconsistent, &error);
          if (db == NULL)
            {
              result->error = g_strdup (error->message);
              return;
            }
          result->db_duplicates += dups;
          result->db_inconsistent += inconsistent;
          for (guint s = 0; s < event->n_seats; s++)
            {
              if (event->acked_booking[s] == NULL)
                continue;
              const char *id = sb_venue_get_seat (event->venue, s)->id;
              const char *booking = g_hash_table_lookup (db, id);
              if (g_strcmp0 (booking, event->acked_booking[s]) != 0)
                {
                  result->db_missing++;
                  if (result->db_missing <= 5)
                    g_printerr ("DB: %s %s acknowledged as %s, database has %s\n", event->id, id,
                                event->acked_booking[s], booking != NULL ? booking : "nothing");
                }
            }
        }
    }
  result->ok = result->acked_missing == 0 && lg_run.n_double_acks == 0 && result->db_missing == 0
               && result->db_duplicates == 0 && result->db_inconsistent == 0;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- load generator for seatbook-server");

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (lg_opt.events == NULL || lg_opt.events[0] == NULL)
    {
      g_printerr ("at least one --event is needed\n");
      return 2;
    }
  lg_run.waiting_for_token = g_ptr_array_new ();
  if ((lg_opt.username == NULL) != (lg_opt.password_file == NULL))
    {
      g_printerr ("--username and --password-file go together\n");
      return 2;
    }
  if (lg_opt.password_file != NULL)
    {
      if (!g_file_get_contents (lg_opt.password_file, &lg_run.password, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 2;
        }
      lg_run.password[strcspn (lg_run.password, "\r\n")] = '\0';
    }
  if (lg_opt.max_seats < 1 || lg_opt.max_seats > MAX_HOLD_SEATS || lg_opt.subscribers < 0
      || lg_opt.bookers < 0 || lg_opt.idle < 0 || lg_opt.hot_seats < 1
      || !(g_str_equal (lg_opt.choice, "uniform") || g_str_equal (lg_opt.choice, "hotspot"))
      || !(g_str_equal (lg_opt.mode, "hold-book") || g_str_equal (lg_opt.mode, "book"))
      || !(g_str_equal (lg_opt.subscribe_to, "all") || g_str_equal (lg_opt.subscribe_to, "one")
           || g_str_equal (lg_opt.subscribe_to, "spread")))
    {
      g_printerr ("bad option value (see --help)\n");
      return 2;
    }
  if (g_strv_length (lg_opt.events) > MAX_EVENTS)
    {
      g_printerr ("at most %d events\n", MAX_EVENTS);
      return 2;
    }
  if (lg_opt.idle_event == NULL)
    lg_opt.idle_event = lg_opt.events[0];
  if (!parse_url (&error))
    {
      g_printerr ("--url: %s\n", error->message);
      return 2;
    }

  guint n_total
      = g_strv_length (lg_opt.events) + (guint) (lg_opt.subscribers + lg_opt.bookers + lg_opt.idle);
  lg_raise_fd_limit (n_total);
  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
  signal (SIGPIPE, SIG_IGN);

  lg_run.loop = lg_loop_new (&error);
  if (lg_run.loop == NULL || (lg_run.use_tls && !lg_loop_use_tls (lg_run.loop, &error)))
    g_error ("%s", error->message);
  lg_run.rng = g_rand_new_with_seed ((guint32) lg_opt.seed);
  lg_run.events = g_ptr_array_new ();
  lg_run.conns = g_ptr_array_new ();
  lg_run.watchers = g_ptr_array_new ();
  lg_run.bookers = g_ptr_array_new ();
  lg_run.ops = g_array_new (FALSE, FALSE, sizeof (Op));
  lg_run.errors_by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  lg_run.closes_by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; lg_opt.events[i] != NULL; i++)
    g_ptr_array_add (lg_run.events, lg_event_new (lg_opt.events[i]));

  struct rusage ru_start, ru_end;
  LgProcSample proc_idle, proc_loaded, proc_run_start, proc_run_end;
  g_autofree char *metrics_before = NULL;
  g_autofree char *metrics_after = NULL;

  /* The server before any of our connections: the reference for memory per connection. */
  lg_proc_sample (lg_opt.server_pid, &proc_idle);
  getrusage (RUSAGE_SELF, &ru_start);

  lg_run.phase = PHASE_WATCHERS;
  for (guint i = 0; i < lg_run.events->len; i++)
    lg_conn_start (ROLE_WATCHER);
  if (!run_until (watchers_ready, 60, NULL))
    {
      g_printerr ("the watchers did not get their snapshots (%u of %u)\n", lg_run.n_watchers_ready,
                  lg_run.watchers->len);
      return 1;
    }

  lg_run.phase = PHASE_CONNECT;
  lg_run.n_to_connect = (guint) (lg_opt.subscribers + lg_opt.idle);
  connect_start_us = g_get_monotonic_time ();
  gboolean connected = run_until (all_connected, lg_opt.connect_timeout, connect_tick);
  double connect_s = (double) (g_get_monotonic_time () - connect_start_us) / G_USEC_PER_SEC;
  if (!connected)
    g_printerr ("only %u of %u connections subscribed after %.0f s\n", lg_run.n_ready,
                lg_run.n_to_connect, connect_s);
  /* Let the server's allocations settle (and the last replies flush) before reading RSS. */
  {
    gint64 until = g_get_monotonic_time () + (gint64) (lg_opt.settle * G_USEC_PER_SEC);
    while (g_get_monotonic_time () < until && !lg_run.stop_requested)
      lg_loop_iterate (lg_run.loop, 50);
  }
  lg_proc_sample (lg_opt.server_pid, &proc_loaded);

  lg_run.phase = PHASE_BOOKERS;
  for (int i = 0; i < lg_opt.bookers; i++)
    lg_conn_start (ROLE_BOOKER);
  if (!run_until (bookers_ready, 60, NULL))
    g_printerr ("only %u of %d bookers said hello\n", lg_run.n_bookers_ready, lg_opt.bookers);

  metrics_before = lg_metrics_fetch (lg_run.metrics_url, NULL);
  lg_proc_sample (lg_opt.server_pid, &proc_run_start);
  struct rusage ru_run_start;
  getrusage (RUSAGE_SELF, &ru_run_start);

  lg_run.phase = PHASE_RUN;
  lg_run.run_start_us = g_get_monotonic_time ();
  run_deadline = lg_run.run_start_us + (gint64) (lg_opt.duration * G_USEC_PER_SEC);
  for (guint i = 0; i < lg_run.bookers->len; i++)
    lg_booker_next (lg_run.bookers->pdata[i]);
  if (lg_run.bookers->len > 0)
    run_until (run_finished, lg_opt.duration + 1, NULL);
  else
    run_until (never, lg_opt.duration, NULL);
  lg_run.run_end_us = g_get_monotonic_time ();
  lg_proc_sample (lg_opt.server_pid, &proc_run_end);
  struct rusage ru_run_end;
  getrusage (RUSAGE_SELF, &ru_run_end);

  /* Replies and broadcasts still in flight belong to the run: wait for them (no new requests). */
  lg_run.phase = PHASE_DRAIN;
  gint64 drain_start = g_get_monotonic_time ();
  gboolean drained_ok = run_until (drained, 10, NULL);
  double drain_s = (double) (g_get_monotonic_time () - drain_start) / G_USEC_PER_SEC;
  metrics_after = lg_metrics_fetch (lg_run.metrics_url, NULL);
  lg_run.phase = PHASE_DONE;
  getrusage (RUSAGE_SELF, &ru_end);

  LgProcSample proc_open;
  lg_proc_sample (lg_opt.server_pid, &proc_open);

  LgLagSummary lag;
  lg_summarize_lag (&lag);

  /* Close everything before checking, so the check's connection meets an unloaded server. */
  for (guint i = 0; i < lg_run.conns->len; i++)
    {
      Conn *conn = lg_run.conns->pdata[i];
      if (conn->ws != NULL)
        g_clear_pointer (&conn->ws, lg_ws_abort);
    }

  LgCheck check = { 0 };
  if (!lg_opt.no_verify)
    lg_check (&check);

  /* ---- report ---- */
  double run_s = (double) (lg_run.run_end_us - lg_run.run_start_us) / G_USEC_PER_SEC;
  double lg_cpu = (double) (ru_run_end.ru_utime.tv_sec - ru_run_start.ru_utime.tv_sec
                            + ru_run_end.ru_stime.tv_sec - ru_run_start.ru_stime.tv_sec)
                  + (double) (ru_run_end.ru_utime.tv_usec - ru_run_start.ru_utime.tv_usec
                              + ru_run_end.ru_stime.tv_usec - ru_run_start.ru_stime.tv_usec)
                        / 1e6;
  double lg_cpu_total = (double) (ru_end.ru_utime.tv_sec - ru_start.ru_utime.tv_sec
                                  + ru_end.ru_stime.tv_sec - ru_start.ru_stime.tv_sec)
                        + (double) (ru_end.ru_utime.tv_usec - ru_start.ru_utime.tv_usec
                                    + ru_end.ru_stime.tv_usec - ru_start.ru_stime.tv_usec)
                              / 1e6;
  double server_cpu = proc_run_end.valid ? proc_run_end.cpu_s - proc_run_start.cpu_s : -1;
  guint n_open = (guint) lg_run.watchers->len + lg_run.n_ready + lg_run.n_bookers_ready;
  double kib_per_conn = proc_loaded.valid && (lg_run.n_ready + lg_run.watchers->len) > 0
                            ? (double) (proc_loaded.rss_kib - proc_idle.rss_kib)
                                  / (double) (lg_run.n_ready + lg_run.watchers->len)
                            : -1;
  /* Server CPU from before the first connection to the memory sample: what connecting (hello,
   * subscribe, snapshot or replay) cost it. */
  double connect_cpu = proc_loaded.valid ? proc_loaded.cpu_s - proc_idle.cpu_s : -1;
  double connect_cpu_per_conn
      = connect_cpu >= 0 && (lg_run.n_ready + lg_run.watchers->len) > 0
            ? 1e6 * connect_cpu / (double) (lg_run.n_ready + lg_run.watchers->len)
            : -1;
  guint64 replies = 0;
  for (guint k = REQ_HOLD; k < N_REQ_KINDS; k++)
    replies += lg_run.latency[k].n;

  LgPromHist server_lag_before, server_lag_after;
  lg_prom_hist_parse (metrics_before, "seatbook_broadcast_lag_seconds", &server_lag_before);
  lg_prom_hist_parse (metrics_after, "seatbook_broadcast_lag_seconds", &server_lag_after);
  double server_lag_p50 = lg_prom_hist_quantile (&server_lag_before, &server_lag_after, 0.5);
  double server_lag_p99 = lg_prom_hist_quantile (&server_lag_before, &server_lag_after, 0.99);
  LgPromHist commit_before, commit_after;
  lg_prom_hist_parse (metrics_before, "seatbook_commit_seconds", &commit_before);
  lg_prom_hist_parse (metrics_after, "seatbook_commit_seconds", &commit_after);
  double commit_p50 = lg_prom_hist_quantile (&commit_before, &commit_after, 0.5);
  double commit_p99 = lg_prom_hist_quantile (&commit_before, &commit_after, 0.99);

  if (lg_opt.json)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_object (b);
      add_double (b, "run_seconds", run_s);
      add_double (b, "connect_seconds", connect_s);
      add_double (b, "drain_seconds", drain_s);
      add_int (b, "drained", drained_ok);
      add_int (b, "events", lg_run.events->len);
      add_int (b, "connections_open", n_open);
      add_int (b, "subscribers", lg_opt.subscribers);
      add_int (b, "idle", lg_opt.idle);
      add_int (b, "bookers", lg_opt.bookers);
      add_double (b, "bookings_per_second", (double) lg_run.n_bookings / run_s);
      add_double (b, "seats_booked_per_second", (double) lg_run.n_seats_booked / run_s);
      add_double (b, "holds_per_second", (double) lg_run.n_holds / run_s);
      add_double (b, "rejected_per_second", (double) lg_run.n_rejected / run_s);
      add_double (b, "replies_per_second", (double) replies / run_s);
      add_int (b, "bookings", (gint64) lg_run.n_bookings);
      add_int (b, "seats_booked", (gint64) lg_run.n_seats_booked);
      add_int (b, "holds", (gint64) lg_run.n_holds);
      add_int (b, "rejected", (gint64) lg_run.n_rejected);
      add_int (b, "requests_sent", (gint64) lg_run.n_requests);
      add_counts (b, "errors", lg_run.errors_by_code);
      add_counts (b, "closes", lg_run.closes_by_code);
      add_int (b, "connections_failed", (gint64) lg_run.n_conn_failed);
      json_builder_set_member_name (b, "latency");
      json_builder_begin_object (b);
      for (guint k = 0; k < N_REQ_KINDS; k++)
        add_hist (b, lg_req_kind_names[k], &lg_run.latency[k]);
      json_builder_end_object (b);
      add_int (b, "changed_messages", (gint64) lg_run.n_changed_msgs);
      add_int (b, "idle_changed_messages", (gint64) lg_run.n_idle_msgs);
      add_int (b, "version_gaps", (gint64) lg_run.n_gaps);
      add_hist (b, "lag_fanout", &lg_run.fanout_lag);
      add_hist (b, "lag_commit_to_all", &lag.commit_to_all);
      add_hist (b, "lag_ack_to_first", &lag.ack_to_first);
      add_int (b, "lag_versions", (gint64) lag.n_versions);
      add_int (b, "lag_versions_matched", (gint64) lag.n_matched);
      add_int (b, "lag_versions_incomplete", (gint64) lag.n_incomplete);
      add_double (b, "server_lag_p50_ms", server_lag_p50 >= 0 ? server_lag_p50 * 1000 : -1);
      add_double (b, "server_lag_p99_ms", server_lag_p99 >= 0 ? server_lag_p99 * 1000 : -1);
      add_double (b, "server_commit_p50_ms", commit_p50 >= 0 ? commit_p50 * 1000 : -1);
      add_double (b, "server_commit_p99_ms", commit_p99 >= 0 ? commit_p99 * 1000 : -1);
      add_double (b, "server_cpu_seconds", server_cpu);
      add_double (b, "server_cpu_percent", server_cpu >= 0 ? 100 * server_cpu / run_s : -1);
      add_double (b, "server_cpu_us_per_reply",
                  server_cpu >= 0 && replies > 0 ? 1e6 * server_cpu / (double) replies : -1);
      add_int (b, "server_rss_kib_idle", proc_idle.rss_kib);
      add_int (b, "server_rss_kib_connected", proc_loaded.rss_kib);
      add_int (b, "server_rss_kib_end", proc_open.rss_kib);
      add_int (b, "server_hwm_kib", proc_open.hwm_kib);
      add_double (b, "server_kib_per_connection", kib_per_conn);
      add_double (b, "server_cpu_seconds_connecting", connect_cpu);
      add_double (b, "server_cpu_us_per_connection", connect_cpu_per_conn);
      add_double (b, "loadgen_cpu_seconds_run", lg_cpu);
      add_double (b, "loadgen_cpu_percent_run", 100 * lg_cpu / run_s);
      add_double (b, "loadgen_cpu_seconds_total", lg_cpu_total);
      add_int (b, "double_acks", (gint64) lg_run.n_double_acks);
      json_builder_set_member_name (b, "verify");
      json_builder_begin_object (b);
      add_int (b, "ran", check.ran);
      add_int (b, "ok", check.ok);
      add_int (b, "acked_missing", (gint64) check.acked_missing);
      add_int (b, "booked_unacked", (gint64) check.booked_unacked);
      add_int (b, "db_checked", lg_opt.db != NULL);
      add_int (b, "db_missing", (gint64) check.db_missing);
      add_int (b, "db_duplicates", (gint64) check.db_duplicates);
      add_int (b, "db_inconsistent", (gint64) check.db_inconsistent);
      if (check.error != NULL)
        {
          json_builder_set_member_name (b, "error");
          json_builder_add_string_value (b, check.error);
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      json_generator_set_pretty (gen, TRUE);
      g_autofree char *text = json_generator_to_data (gen, NULL);
      printf ("%s\n", text);
    }
  else
    {
      printf ("run %.2f s (drain %.2f s%s), %u events, %u connections open "
              "(%d subscribers, %d idle, %d bookers), connected in %.1f s\n",
              run_s, drain_s, drained_ok ? "" : ", NOT drained", lg_run.events->len, n_open,
              lg_opt.subscribers, lg_opt.idle, lg_opt.bookers, connect_s);
      printf ("  bookings/s %.0f  seats booked/s %.0f  holds/s %.0f  rejected/s %.0f  "
              "replies/s %.0f\n",
              (double) lg_run.n_bookings / run_s, (double) lg_run.n_seats_booked / run_s,
              (double) lg_run.n_holds / run_s, (double) lg_run.n_rejected / run_s,
              (double) replies / run_s);
      GHashTableIter iter;
      gpointer key, value;
      g_hash_table_iter_init (&iter, lg_run.errors_by_code);
      while (g_hash_table_iter_next (&iter, &key, &value))
        printf ("  error %-24s %u\n", (char *) key, GPOINTER_TO_UINT (value));
      g_hash_table_iter_init (&iter, lg_run.closes_by_code);
      while (g_hash_table_iter_next (&iter, &key, &value))
        printf ("  closed %-40s %u\n", (char *) key, GPOINTER_TO_UINT (value));
      printf ("latency (send -> reply):\n");
      for (guint k = 0; k < N_REQ_KINDS; k++)
        print_hist (lg_req_kind_names[k], &lg_run.latency[k]);
      printf ("broadcast (%" G_GUINT64_FORMAT " changed messages, %" G_GUINT64_FORMAT
              " gaps; %" G_GUINT64_FORMAT " versions, %" G_GUINT64_FORMAT
              " matched to replies, %" G_GUINT64_FORMAT " not seen by all):\n",
              lg_run.n_changed_msgs, lg_run.n_gaps, lag.n_versions, lag.n_matched,
              lag.n_incomplete);
      if (lg_run.n_idle_msgs > 0)
        printf ("  idle connections received %" G_GUINT64_FORMAT " changed messages (not timed)\n",
                lg_run.n_idle_msgs);
      print_hist ("commit -> every subscriber", &lag.commit_to_all);
      print_hist ("fan-out (per subscriber)", &lg_run.fanout_lag);
      print_hist ("reply -> first subscriber", &lag.ack_to_first);
      if (server_lag_p99 >= 0)
        printf ("  server /metrics broadcast lag   p50 %.3f  p99 %.3f ms\n", server_lag_p50 * 1000,
                server_lag_p99 * 1000);
      if (commit_p99 >= 0)
        printf ("  server /metrics commit          p50 %.3f  p99 %.3f ms\n", commit_p50 * 1000,
                commit_p99 * 1000);
      if (proc_run_end.valid)
        printf ("server: CPU %.2f s in the run (%.0f%% of one core), %.1f µs per reply; RSS idle "
                "%" G_GINT64_FORMAT " KiB, connected %" G_GINT64_FORMAT " KiB (%.2f KiB per "
                "connection), end %" G_GINT64_FORMAT " KiB, peak %" G_GINT64_FORMAT " KiB\n",
                server_cpu, 100 * server_cpu / run_s,
                replies > 0 ? 1e6 * server_cpu / (double) replies : 0.0, proc_idle.rss_kib,
                proc_loaded.rss_kib, kib_per_conn, proc_open.rss_kib, proc_open.hwm_kib);
      if (proc_loaded.valid)
        printf ("server: CPU %.2f s while connecting (%.0f µs per connection)\n", connect_cpu,
                connect_cpu_per_conn);
      printf ("loadgen: CPU %.2f s in the run (%.0f%% of one core), %.2f s in all\n", lg_cpu,
              100 * lg_cpu / run_s, lg_cpu_total);
      if (check.ran)
        printf ("verify: %s — %" G_GUINT64_FORMAT " acknowledged seats missing, %" G_GUINT64_FORMAT
                " double acknowledgements, %" G_GUINT64_FORMAT " booked but unacknowledged%s%s\n",
                check.ok ? "OK" : "FAILED", check.acked_missing, lg_run.n_double_acks,
                check.booked_unacked, check.error != NULL ? "; error: " : "",
                check.error != NULL ? check.error : "");
      if (check.ran && lg_opt.db != NULL && check.error == NULL)
        printf ("verify db: %" G_GUINT64_FORMAT " acknowledged bookings missing, %" G_GUINT64_FORMAT
                " seats booked twice, %" G_GUINT64_FORMAT " inconsistent rows\n",
                check.db_missing, check.db_duplicates, check.db_inconsistent);
    }

  lg_prom_hist_clear (&server_lag_before);
  lg_prom_hist_clear (&server_lag_after);
  lg_prom_hist_clear (&commit_before);
  lg_prom_hist_clear (&commit_after);
  gboolean failed = lg_run.n_double_acks > 0 || (check.ran && !check.ok);
  g_free (check.error);
  return failed ? 1 : 0;
}
