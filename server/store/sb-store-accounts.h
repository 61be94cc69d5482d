/* sb-store-accounts.h: the accounts and sessions a store keeps (issue 10, docs/protocol.md
 * "sign_in"). Passwords and tokens are kept only as hashes (sb-credentials.h); the store never
 * sees either in clear.
 *
 * Every change that ends the sessions of an account (a new password, role or disabling, or one
 * session's sign-out) also bumps the store's accounts revision, one number a running server reads
 * cheaply and often to learn that another process (`seatbook-server user …`) changed something:
 * only then does it look its connected sessions up again. Like every SbStore method these are
 * synchronous and called from one thread at a time. */
#pragma once

#include "sb-protocol.h"
#include "sb-store.h"

G_BEGIN_DECLS

/* SB_LEGACY_ACCOUNT, the placeholder account, is in sb-op.h (what ops record without one). */

struct _SbAccountRecord
{
  char *username;
  SbRole role;
  char *password_hash; /* Argon2id string; "" for an account that cannot sign in (legacy) */
  gboolean disabled;
  gint64 created_at_ms;
};

struct _SbSessionRecord
{
  char *username;
  SbRole role;       /* the account's role now */
  gboolean disabled; /* the account is disabled now */
  gboolean revoked;  /* signed out, or the account changed since the session began */
  gint64 created_at_ms;
  gint64 expires_at_ms;
};

SbAccountRecord *sb_account_record_new (const char *username,
                                        SbRole role,
                                        const char *password_hash,
                                        gboolean disabled,
                                        gint64 created_at_ms);
SbAccountRecord *sb_account_record_copy (const SbAccountRecord *record);
void sb_account_record_free (SbAccountRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbAccountRecord, sb_account_record_free)

void sb_session_record_free (SbSessionRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbSessionRecord, sb_session_record_free)

/* Adds the account (create: SB_STORE_ERROR_EXISTS when the name is taken) or replaces its role,
 * password hash and disabled flag (SB_STORE_ERROR_NOT_FOUND when missing); replacing revokes every
 * session of the account and bumps the accounts revision. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_account_put (
    SbStore *self, const SbAccountRecord *record, gboolean create, gint64 now_ms, GError **error);
/* NULL with SB_STORE_ERROR_NOT_FOUND when there is no such account. */
G_GNUC_WARN_UNUSED_RESULT
SbAccountRecord *sb_store_account_get (SbStore *self, const char *username, GError **error);
/* SbAccountRecord array sorted by username. */
G_GNUC_WARN_UNUSED_RESULT
GPtrArray *sb_store_account_list (SbStore *self, GError **error);

/* Records a new session of username (which must exist) under the token's hash. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_session_put (SbStore *self,
                               const char *token_hash,
                               const char *username,
                               gint64 created_at_ms,
                               gint64 expires_at_ms,
                               GError **error);
/* The session with its account's role and state now; NULL with SB_STORE_ERROR_NOT_FOUND. */
G_GNUC_WARN_UNUSED_RESULT
SbSessionRecord *sb_store_session_get (SbStore *self, const char *token_hash, GError **error);
/* Sign-out: the session is revoked (an unknown token is no error) and the revision bumped. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_session_revoke (SbStore *self, const char *token_hash, GError **error);
/* A number that changes whenever a session may have ended before its expiry. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_store_accounts_revision (SbStore *self, gint64 *out_revision, GError **error);

G_END_DECLS
