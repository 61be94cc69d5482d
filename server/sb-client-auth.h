/* sb-client-auth.h: one connection's sign-in state (protocol 2) and the requests that change it:
 * sign_in, sign_out, and the check every other request passes — signed in, session not ended or
 * expired, role high enough — which is a few comparisons in memory (sb-client.c calls it for
 * every request). Private to server/. */
#pragma once

#include "sb-authenticator.h"
#include "sb-client.h"
#include "sb-request.h"

G_BEGIN_DECLS

typedef struct
{
  char *username; /* NULL when signed out */
  SbRole role;
  char *token_hash;
  gint64 expires_at_ms;
  gboolean ended; /* the server learned that the session ended: refuse the next request */
  SbAuthReason ended_reason;
  gboolean signing_in; /* a sign_in is under way */
} SbClientAuth;

void sb_client_auth_clear (SbClientAuth *auth);

/* TRUE when request may be served; otherwise the refusal has been sent. */
gboolean sb_client_auth_check (SbClient *client, const SbRequest *request);
void sb_client_auth_sign_in (SbClient *client, const SbRequest *request);
void sb_client_auth_sign_out (SbClient *client, const SbRequest *request);

/* The token hash of a signed-in connection, else NULL. */
const char *sb_client_auth_get_token_hash (SbClient *client);
/* The session ended elsewhere (another process, sign-out on another connection) or its lifetime is
 * over: its subscriptions stop now (no more `changed`), the next request is refused with reason. */
void sb_client_auth_end (SbClient *client, SbAuthReason reason);
/* The authenticator's answer to this connection's sign_in (outcome: transfer full). */
void sb_client_finish_sign_in (SbClient *client, SbSignInOutcome *outcome);
/* The store's answer to this connection's sign_out: signed_out, or unavailable when not revoked. */
void sb_client_finish_sign_out (SbClient *client, const char *request_id, gboolean revoked);

/* For the server, over its table of clients (serial → SbClient). */
void sb_client_auth_deliver (GHashTable *clients, guint64 serial, SbSignInOutcome *outcome);
void sb_client_auth_collect_tokens (GHashTable *clients, GHashTable *tokens);
void sb_client_auth_end_sessions (GHashTable *clients, GHashTable *ended);
/* Ends the sessions whose lifetime is over at now_ms (the authenticator's poll, once a second). */
void sb_client_auth_expire_sessions (GHashTable *clients, gint64 now_ms);
void sb_client_auth_deliver_sign_out (GHashTable *clients,
                                      guint64 serial,
                                      const char *request_id,
                                      gboolean revoked);

/* sb-client.c's side, for this file. */
SbClientAuth *_sb_client_get_auth (SbClient *self);
SbMetrics *_sb_client_get_metrics (SbClient *self);
const SbServerSettings *_sb_client_get_settings (SbClient *self);
const SbClientHooks *_sb_client_get_hooks (SbClient *self);
SbWsConnection *_sb_client_get_connection (SbClient *self);
/* Stops every subscription, each with an `unsubscribed` whose "re" is null. */
void _sb_client_end_subscriptions (SbClient *self);

G_END_DECLS
