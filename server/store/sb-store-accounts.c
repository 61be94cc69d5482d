/* sb-store-accounts.c: the records of accounts and sessions and the SbStore wrappers that reach
 * each backend's implementation (sb-sqlite-accounts.c, sb-mongo-accounts.c). */
#include "config.h"

#include "sb-store-accounts.h"

#include "sb-credentials.h"

SbAccountRecord *
sb_account_record_new (const char *username,
                       SbRole role,
                       const char *password_hash,
                       gboolean disabled,
                       gint64 created_at_ms)
{
  SbAccountRecord *record = g_new0 (SbAccountRecord, 1);

  record->username = g_strdup (username);
  record->role = role;
  record->password_hash = g_strdup (password_hash != NULL ? password_hash : "");
  record->disabled = disabled;
  record->created_at_ms = created_at_ms;
  return record;
}

SbAccountRecord *
sb_account_record_copy (const SbAccountRecord *record)
{
  SbAccountRecord *copy
      = sb_account_record_new (record->username, record->role, record->password_hash,
                               record->disabled, record->created_at_ms);

  copy->generation = record->generation;
  return copy;
}

void
sb_account_record_free (SbAccountRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->username);
  /* Only a hash, but there is no reason to leave it in freed memory. */
  sb_secret_free (record->password_hash);
  g_free (record);
}

void
sb_session_record_free (SbSessionRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->username);
  g_free (record);
}

static gboolean
unsupported (GError **error)
{
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNSUPPORTED,
               "This store does not keep accounts");
  return FALSE;
}

gboolean
sb_store_account_put (
    SbStore *self, const SbAccountRecord *record, gboolean create, gint64 now_ms, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->username != NULL, FALSE);
  g_return_val_if_fail (record->password_hash != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SbStoreInterface *iface = SB_STORE_GET_IFACE (self);
  if (iface->account_put == NULL)
    return unsupported (error);
  return iface->account_put (self, record, create, now_ms, error);
}

SbAccountRecord *
sb_store_account_get (SbStore *self, const char *username, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (username != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  SbStoreInterface *iface = SB_STORE_GET_IFACE (self);
  if (iface->account_get == NULL)
    {
      unsupported (error);
      return NULL;
    }
  return iface->account_get (self, username, error);
}

GPtrArray *
sb_store_account_list (SbStore *self, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  SbStoreInterface *iface = SB_STORE_GET_IFACE (self);
  if (iface->account_list == NULL)
    {
      unsupported (error);
      return NULL;
    }
  return iface->account_list (self, error);
}

gboolean
sb_store_session_put (SbStore *self,
                      const char *token_hash,
                      const char *username,
                      gint64 account_generation,
                      gint64 created_at_ms,
                      gint64 expires_at_ms,
                      GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (token_hash != NULL && username != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SbStoreInterface *iface = SB_STORE_GET_IFACE (self);
  if (iface->session_put == NULL)
    return unsupported (error);
  return iface->session_put (self, token_hash, username, account_generation, created_at_ms,
                             expires_at_ms, error);
}

SbSessionRecord *
sb_store_session_get (SbStore *self, const char *token_hash, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (token_hash != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  SbStoreInterface *iface = SB_STORE_GET_IFACE (self);
  if (iface->session_get == NULL)
    {
      unsupported (error);
      return NULL;
    }
  return iface->session_get (self, token_hash, error);
}

gboolean
sb_store_session_revoke (SbStore *self, const char *token_hash, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (token_hash != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SbStoreInterface *iface = SB_STORE_GET_IFACE (self);
  if (iface->session_revoke == NULL)
    return unsupported (error);
  return iface->session_revoke (self, token_hash, error);
}

gboolean
sb_store_accounts_revision (SbStore *self, gint64 *out_revision, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_revision != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SbStoreInterface *iface = SB_STORE_GET_IFACE (self);
  if (iface->accounts_revision == NULL)
    return unsupported (error);
  return iface->accounts_revision (self, out_revision, error);
}
