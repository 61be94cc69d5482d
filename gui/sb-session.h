/* sb-session.h: who is signed in on one server, and the token that keeps them signed in.
 *
 * The account half of the connection, kept apart from the socket so that its rules can be tested
 * without a server: SbConnection signs in with what the session holds after every welcome and
 * reports the server's answer back (signed_in, or `unauthenticated` with a reason). The token
 * stays in memory for reconnects; with "Remember me" it also goes to the keyring
 * (sb-token-store.h) and comes back from there at the next start. The password is held only
 * until the server has answered the sign-in it was typed for. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  SB_SESSION_SIGNED_OUT, /* nobody; the sign-in page asks */
  SB_SESSION_SIGNING_IN, /* a password or token is on its way to the server */
  SB_SESSION_SIGNED_IN,
} SbSessionState;

#define SB_TYPE_SESSION_STATE (sb_session_state_get_type ())
GType sb_session_state_get_type (void);

#define SB_TYPE_SESSION (sb_session_get_type ())
G_DECLARE_FINAL_TYPE (SbSession, sb_session, SB, SESSION, GObject)

SbSession *sb_session_new (const char *server);

const char *sb_session_get_server (SbSession *self);
SbSessionState sb_session_get_state (SbSession *self);
/* The account, once signed in; NULL otherwise. */
const char *sb_session_get_username (SbSession *self);
/* The protocol's role name ("viewer" … "admin"), once signed in; NULL otherwise. */
const char *sb_session_get_role (SbSession *self);
/* The `reason` of the last refused sign-in ("bad_credentials", "locked", …), until the next
 * attempt; NULL when there was none. */
const char *sb_session_get_refusal (SbSession *self);
gint64 sb_session_get_retry_after_ms (SbSession *self);

/* Looks in the keyring for username's token on this server; with one, the state becomes
 * SIGNING_IN and the connection signs in with it at the next welcome. Finishes FALSE with an
 * error only when the keyring failed; no token is not an error. */
void sb_session_restore_async (SbSession *self,
                               const char *username,
                               GCancellable *cancellable,
                               GAsyncReadyCallback callback,
                               gpointer user_data);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_session_restore_finish (SbSession *self, GAsyncResult *result, GError **error);

/* The user typed a password: the state becomes SIGNING_IN. */
void sb_session_begin_sign_in (SbSession *self,
                               const char *username,
                               const char *password,
                               gboolean remember);

/* What to sign in with after a welcome: the token if there is one, else the typed username and
 * password; FALSE when there is nothing (signed out). Strings stay owned by the session. */
gboolean sb_session_get_credentials (SbSession *self,
                                     const char **out_username,
                                     const char **out_password,
                                     const char **out_token);

/* "unavailable" and "rate_limited" (error codes of a sign_in, not `unauthenticated` reasons): the
 * server did not decide; sb_session_refused () keeps the credentials and the state for a retry. */
gboolean sb_session_refusal_is_temporary (const char *reason);

/* The server said signed_in. Drops the password; keeps the token, and with "Remember me" saves it
 * in the keyring (failures are logged: the session works without it). */
void
sb_session_signed_in (SbSession *self, const char *username, const char *role, const char *token);
/* The server refused (`unauthenticated` with reason): a token that expired, was revoked or whose
 * account is disabled is dropped from memory and the keyring. */
void sb_session_refused (SbSession *self, const char *reason, gint64 retry_after_ms);
/* Forgets the account and its token here and in the keyring (the server side is revoked by the
 * connection's sign_out request). */
void sb_session_sign_out (SbSession *self);

G_END_DECLS
