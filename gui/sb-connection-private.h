/* sb-connection-private.h: what the files of SbConnection share (sb-connection.c: the socket and
 * the dispatch of messages; sb-connection-requests.c: pending requests;
 * sb-connection-subscriptions.c; sb-connection-account.c: the sign-in exchange). */
#pragma once

#include <libsoup/soup.h>

#include "sb-connection.h"
#include "sb-message.h"
#include "sb-session.h"

G_BEGIN_DECLS

/* Backoff: 0.5 s doubling up to 30 s, then a random point in the upper half of that window so
 * that a hundred desks that lost the same server do not all come back in the same millisecond. */
#define BACKOFF_BASE_MS 500
#define BACKOFF_MAX_MS 30000
/* A server that does not answer a ping within this long is treated as gone: TCP alone can take
 * minutes to notice a dead peer. */
#define PING_INTERVAL_S 15
#define PING_TIMEOUT_S 10
#define MAX_RETRIES 5

typedef struct
{
  char *id;
  char *text;
  GTask *task; /* NULL for requests the connection makes itself */
  SbRequestType type;
  char *event_id; /* subscribe: which subscription this is */
  guint attempts;
  guint retry_source; /* resend after rate_limited or unavailable */
} Pending;

typedef struct
{
  char *event_id;
  gint64 version;     /* -1 until the first snapshot */
  gboolean resyncing; /* a subscribe is in flight; `changed` until its reply are covered by it */
} Subscription;

struct _SbConnection
{
  GObject parent_instance;

  char *url;
  char *client_id;
  char *client_name;
  char *id_prefix;
  guint64 next_id;

  SoupSession *session;
  SoupWebsocketConnection *socket;
  GCancellable *connect_cancellable;
  SbConnectionState state;
  char *last_error;
  gboolean started;

  guint attempt;
  guint retry_source;
  guint tick_source;
  gint64 retry_at;
  guint retry_seconds;

  guint ping_source;
  char *ping_id;
  gint64 ping_sent_at;

  GHashTable *pending;       /* id → Pending */
  GQueue pending_order;      /* Pending, oldest first: resent in the order they were made */
  GHashTable *subscriptions; /* event id → Subscription */

  /* Accounts (protocol version 2). After each welcome the connection signs in with what the
   * session holds and keeps everything else waiting until the server says signed_in. */
  SbSession *account;         /* the account on this url */
  gboolean accounts;          /* the server wants a sign-in (welcome v2 or an unauthenticated) */
  gboolean awaiting_sign_in;  /* requests wait: not signed in on this socket yet */
  char *sign_in_id;           /* the sign_in in flight on this socket, or NULL */
  guint sign_in_retry_source; /* sends sign_in_id again after unavailable or rate_limited */

  SbCertificateTrust *trust;  /* NULL: only what the system's CAs vouch for */
  char *rejected_fingerprint; /* of the certificate the last attempt refused */
  gboolean rejected_changed;  /* …because another one was accepted before */
};

enum
{
  PROP_0,
  PROP_URL,
  PROP_STATE,
  PROP_RETRY_SECONDS,
  PROP_LAST_ERROR,
  PROP_CLIENT_ID,
  PROP_ACCOUNT,
  PROP_ACCOUNTS,
  PROP_USERNAME,
  PROP_ROLE,
  N_PROPS
};

extern GParamSpec *_sb_connection_properties[N_PROPS];

enum
{
  SIGNAL_WELCOME,
  SIGNAL_SNAPSHOT,
  SIGNAL_SEATS_CHANGED,
  SIGNAL_HOLDS,
  SIGNAL_SUBSCRIPTION_FAILED,
  SIGNAL_SIGNED_IN,
  SIGNAL_CERTIFICATE_REJECTED,
  SIGNAL_EVENTS,
  N_SIGNALS
};

extern guint _sb_connection_signals[N_SIGNALS];

/* sb-connection.c */

gboolean _sb_connection_socket_is_open (SbConnection *self);
/* Sends now if the socket is open; otherwise the text is lost (the caller's Pending keeps it). */
void _sb_connection_send_text (SbConnection *self, const char *text);
/* TRUE when requests flow: welcomed and, on a server with accounts, signed in. */
gboolean _sb_connection_is_ready (SbConnection *self);
/* After welcome, or after signed_in on a server with accounts: subscriptions, then our requests
 * that had no reply. */
void _sb_connection_resume (SbConnection *self);

/* sb-connection-requests.c */

void _sb_connection_pending_free (Pending *pending);
Pending *_sb_connection_add_pending (SbConnection *self, SbRequest *request, GTask *task);
void _sb_connection_remove_pending (SbConnection *self, Pending *pending);
/* Ends pending with reply (taking it): retries what can be retried, returns the rest. */
void _sb_connection_complete_pending (SbConnection *self, Pending *pending, SbMessage *reply);
/* Sends the user's requests that had no reply again, oldest first, with their ids. */
void _sb_connection_resend_pending (SbConnection *self);
/* The socket is gone: drops the connection's own requests (they are made afresh) and stops the
 * retry timers of the user's (the reconnect re-sends them). */
void _sb_connection_drop_own_pending (SbConnection *self);
/* Fails every request with G_IO_ERROR_CANCELLED. */
void _sb_connection_fail_pending (SbConnection *self);

/* sb-connection-subscriptions.c */

void _sb_connection_subscription_free (Subscription *subscription);
void _sb_connection_send_subscribe (SbConnection *self, Subscription *subscription);
void _sb_connection_resubscribe_all (SbConnection *self);
/* Until the next subscribe's reply, `changed` messages are ignored; forget_versions: that reply
 * is to be a full snapshot (another server has other versions). */
void _sb_connection_mark_resyncing (SbConnection *self, gboolean forget_versions);
void _sb_connection_handle_snapshot (SbConnection *self, SbSnapshotMessage *snapshot);
void _sb_connection_handle_replay (SbConnection *self, SbReplayMessage *replay);
void _sb_connection_handle_changed (SbConnection *self, SbChangedMessage *changed);

/* sb-connection-account.c */

/* The server has accounts (welcome v2 or an `unauthenticated` reply). */
void _sb_connection_set_accounts (SbConnection *self);
/* Sends sign_in with the session's token or typed password; FALSE when it has neither. */
gboolean _sb_connection_send_sign_in (SbConnection *self);
void _sb_connection_handle_unauthenticated (SbConnection *self, SbErrorMessage *error_reply);
gboolean
_sb_connection_retry_sign_in (SbConnection *self, Pending *pending, SbErrorMessage *error_reply);
void _sb_connection_handle_signed_in (SbConnection *self, SbSignedInMessage *signed_in);
/* One account per server: a new url starts signed out there. */
void _sb_connection_replace_account (SbConnection *self);

G_END_DECLS
