/* sb-authenticator.h: sign-in for the whole server (issue 10, docs/protocol.md "sign_in"):
 * checks passwords and tokens against the store without ever blocking the main loop, slows and
 * locks out repeated failures (sb-sign-in-throttle.c) with timers, records new sessions, and
 * learns of sessions ended by another process (`seatbook-server user …`) by polling the store's
 * accounts revision once a second.
 *
 * The store is read and written on the store worker's thread; Argon2id runs on a pool of two
 * threads of its own (tens of ms and 64 MiB each: more at once would only queue on two cores). */
#pragma once

#include "sb-metrics.h"
#include "sb-protocol.h"
#include "sb-store-worker.h"

G_BEGIN_DECLS

/* What a sign-in came to, handed to the connection that asked. */
typedef struct
{
  char *request_id;
  SbSignInResult result;
  gint64 retry_after_ms; /* locked: until the lock ends */
  char *username;        /* ok: the account, its role, the token and when it expires */
  SbRole role;
  char *token;
  char *token_hash;
  gint64 expires_at_ms;
} SbSignInOutcome;

void sb_sign_in_outcome_free (SbSignInOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSignInOutcome, sb_sign_in_outcome_free)

/* The server's side, called on the main context that created the authenticator. */
typedef struct
{
  /* outcome (transfer full) for the client with this serial, if it is still connected. */
  void (*deliver) (guint64 serial, SbSignInOutcome *outcome, gpointer user_data);
  /* Adds the token hash of every signed-in connection to tokens (a set). */
  void (*collect_tokens) (GHashTable *tokens, gpointer user_data);
  /* ended: token hash → GINT_TO_POINTER (SbAuthReason): sessions that ended early. */
  void (*sessions_ended) (GHashTable *ended, gpointer user_data);
  gpointer user_data;
} SbAuthenticatorHooks;

#define SB_TYPE_AUTHENTICATOR (sb_authenticator_get_type ())
G_DECLARE_FINAL_TYPE (SbAuthenticator, sb_authenticator, SB, AUTHENTICATOR, GObject)

/* Starts polling the accounts revision. hooks is copied. */
SbAuthenticator *sb_authenticator_new (SbStoreWorker *worker,
                                       SbMetrics *metrics,
                                       double session_hours,
                                       const SbAuthenticatorHooks *hooks);

/* A sign-in by password (token NULL) or by token (username and password NULL) from address and
 * desk (the client_id). Every outcome is recorded in the audit trail (event "", sign_in or
 * sign_in_failed), the session of a password sign-in with its entry. */
void sb_authenticator_sign_in (SbAuthenticator *self,
                               guint64 serial,
                               const char *request_id,
                               const char *username,
                               const char *password,
                               const char *token,
                               const char *address,
                               const char *desk);

/* Revokes a session (sign_out); fire and forget. */
void sb_authenticator_sign_out (SbAuthenticator *self, const char *token_hash);

/* Stops the poll; sign-ins still under way end without being delivered (the server is going). */
void sb_authenticator_stop (SbAuthenticator *self);

G_END_DECLS
