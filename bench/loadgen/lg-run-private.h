/* lg-run-private.h: what the parts of seatbook-loadgen share (seatbook-loadgen.c has the
 * overview): the connections and the events with their seat view, the options, and the run's state
 * and counters in one struct. One thread: nothing here is locked.
 *
 *   seatbook-loadgen.c  main: the run's phases and the loop that drives them
 *   lg-options.c        the command line, the URL, the open-files limit
 *   lg-conn.c           connections: requests, sign-in, the WebSocket callbacks that dispatch
 *   lg-event.c          an event's seat view (bookers pick from it) and its versions' timings
 *   lg-booker.c         bookers: pick seats, hold and book, read their replies
 *   lg-subscriber.c     watchers, subscribers and idle connections: subscriptions and `changed`
 *   lg-report.c         results: ack times, the lag summary, JSON or text output
 *   lg-check.c          the after-run check of what we were told against the server (lg-verify.c)
 */
#pragma once

#include "lg-hist.h"
#include "lg-json.h"
#include "lg-server.h"
#include "lg-ws.h"
#include "sb-message.h"
#include "sb-protocol.h"
#include "sb-request.h"
#include "sb-venue.h"

#include <netinet/in.h>
#include <sys/resource.h>

G_BEGIN_DECLS

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

/* Indexed by ReqKind (lg-conn.c). */
extern const char *const lg_req_kind_names[];

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

/* The command line (lg-options.c). */
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

extern LgOptions lg_opt;

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

  /* Sign-in (lg-conn.c): the password, the token every connection after the first signs in
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

/* The one run (seatbook-loadgen.c). */
extern LgRun lg_run;

static inline void
count_into (GHashTable *table, const char *key)
{
  gpointer old = g_hash_table_lookup (table, key);
  g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (GPOINTER_TO_UINT (old) + 1));
}

static inline gboolean
counting (void)
{
  return lg_run.phase == PHASE_RUN || lg_run.phase == PHASE_DRAIN;
}

/* lg-options.c: parses and checks the command line into lg_opt (and the password into lg_run);
 * returns FALSE, having said why, when the program should exit with status 2. */
gboolean lg_options_parse (int *argc, char ***argv);
void lg_raise_fd_limit (guint needed);

/* lg-event.c */
Event *lg_event_new (const char *id);
gboolean lg_event_load_snapshot (Event *event, const SbSnapshotMessage *snapshot, GError **error);
void lg_free_set_remove (Event *event, guint seat);
void lg_view_set (Event *event, guint seat, SbSeatState state);
gboolean lg_seat_lookup (Event *event, const char *id, guint *out);
VersionInfo *lg_version_info (Event *event, gint64 version);
void
lg_observe_versions (Event *event, gint64 from, gint64 to, gint64 when, gboolean is_subscriber);

/* lg-conn.c */
Conn *lg_conn_start (Role role);
char *lg_seq_to_id (guint32 seq, char buf[11]);
guint32 lg_conn_track (Conn *conn, ReqKind kind, guint event);
gboolean lg_conn_untrack (Conn *conn, const char *re, gsize len, Outstanding *out);
void lg_conn_send (Conn *conn, const SbRequest *request);
void lg_send_subscribe (Conn *conn, guint sub);
gboolean lg_begin_sign_in (Conn *conn);
void lg_got_token (const char *value);

/* lg-booker.c */
void lg_booker_next (Conn *conn);
void lg_booker_on_reply (Conn *conn, const LgMsg *msg, const Outstanding *req, gint64 now);

/* lg-subscriber.c */
Event *lg_subscriber_on_changed (
    Conn *conn, const char *event_id, gsize event_len, gint64 from, gint64 to, gint64 now);
void lg_subscriber_on_subscribed (Conn *conn, const Outstanding *req, gint64 version, gint64 now);
void lg_subscriber_on_message (Conn *conn, const SbMessage *msg, gint64 now);

/* lg-report.c */
typedef struct
{
  LgHist commit_to_all; /* per version: last subscriber's receipt − commit reference */
  LgHist ack_to_first;  /* per version: first receipt − reply receipt (where matched) */
  guint64 n_versions, n_matched, n_incomplete;
} LgLagSummary;

void lg_summarize_lag (LgLagSummary *summary);

/* What main measured around the phases, for the report. */
typedef struct
{
  double connect_s;
  double drain_s;
  gboolean drained_ok;
  struct rusage ru_start, ru_run_start, ru_run_end, ru_end;
  LgProcSample proc_idle, proc_loaded, proc_run_start, proc_run_end, proc_open;
  const char *metrics_before;
  const char *metrics_after;
} LgMeasures;

/* lg-check.c */
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

void lg_check (LgCheck *result);

/* lg-report.c: prints the results (--json or text). */
void
lg_report_print (const LgMeasures *measures, const LgLagSummary *summary, const LgCheck *result);

G_END_DECLS
