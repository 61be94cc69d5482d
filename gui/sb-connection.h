/* sb-connection.h: the app's client of the Seatbook WebSocket protocol (docs/protocol.md).
 *
 * Keeps one connection to the server alive: says hello with the desk's client id, reconnects with
 * exponential backoff and jitter, resubscribes with `since` and re-sends every request that had
 * no reply yet with its original id (the server makes them idempotent). */
#pragma once

#include <gio/gio.h>

#include "sb-certificate-trust.h"
#include "sb-message.h"
#include "sb-request.h"
#include "sb-session.h"

G_BEGIN_DECLS

typedef enum
{
  SB_CONNECTION_DISCONNECTED, /* waiting to retry; see retry-seconds */
  SB_CONNECTION_CONNECTING,   /* opening the socket or waiting for welcome */
  SB_CONNECTION_CONNECTED,    /* welcomed: requests flow */
} SbConnectionState;

#define SB_TYPE_CONNECTION_STATE (sb_connection_state_get_type ())
GType sb_connection_state_get_type (void);

#define SB_TYPE_CONNECTION (sb_connection_get_type ())
G_DECLARE_FINAL_TYPE (SbConnection, sb_connection, SB, CONNECTION, GObject)

SbConnection *sb_connection_new (const char *url, const char *client_id);

/* Which certificates of wss:// servers are accepted beyond the system's CAs (see the signal
 * certificate-rejected). */
void sb_connection_set_certificate_trust (SbConnection *self, SbCertificateTrust *trust);

const char *sb_connection_get_url (SbConnection *self);
/* Drops the current connection and connects to url; subscriptions and unanswered requests carry
 * over. */
void sb_connection_set_url (SbConnection *self, const char *url);
SbConnectionState sb_connection_get_state (SbConnection *self);
/* Whole seconds until the next attempt while disconnected. */
guint sb_connection_get_retry_seconds (SbConnection *self);
/* Why the last connection ended or failed, for the user; NULL when there was no problem. */
const char *sb_connection_get_last_error (SbConnection *self);

void sb_connection_start (SbConnection *self);
void sb_connection_reconnect_now (SbConnection *self);
/* Closes the socket and fails every pending request with G_IO_ERROR_CANCELLED. */
void sb_connection_shutdown (SbConnection *self);

/* A request with a fresh id, unique across restarts of the app (the server keeps outcomes per id
 * for a day). */
SbRequest *sb_connection_new_request (SbConnection *self, SbRequestType type);

/* Sends request (taking ownership) now or once connected, and again after every reconnect until a
 * reply with its id arrives. rate_limited and unavailable replies are retried with the same id.
 * The reply is the server's message, typed (dispatch on its type). Errors are SB_PROTOCOL_ERROR
 * with the reply's code; the error reply itself (with its `seats`) is given to out_error_reply. */
void sb_connection_send_async (SbConnection *self,
                               SbRequest *request,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
G_GNUC_WARN_UNUSED_RESULT
SbMessage *sb_connection_send_finish (SbConnection *self,
                                      GAsyncResult *result,
                                      SbErrorMessage **out_error_reply,
                                      GError **error);

/* Keeps the event subscribed across reconnects; snapshots and changes come as signals. */
void sb_connection_subscribe (SbConnection *self, const char *event_id);
void sb_connection_unsubscribe (SbConnection *self, const char *event_id);

/* Accounts (protocol version 2). After every welcome the connection signs in with the account's
 * token (or the password just typed) before it resubscribes or re-sends anything; a refusal
 * (`unauthenticated`: expired, revoked, disabled…) drops the token and leaves the account signed
 * out with the reason, for the sign-in page. */
SbSession *sb_connection_get_account (SbConnection *self);
/* TRUE once the server has said it has accounts. */
gboolean sb_connection_get_accounts (SbConnection *self);
const char *sb_connection_get_username (SbConnection *self);
/* The protocol's role name ("viewer", "clerk", "manager", "admin"); NULL when signed out. */
const char *sb_connection_get_role (SbConnection *self);
/* password is used for this sign-in only; with remember the token goes to the keyring. */
void sb_connection_sign_in (SbConnection *self,
                            const char *username,
                            const char *password,
                            gboolean remember);
/* Revokes the token on the server and forgets it here and in the keyring. */
void sb_connection_sign_out (SbConnection *self);

G_END_DECLS
