/* sb-store-audit.c: the SbStore's audit trail methods (sb-store-audit.h). */
#include "config.h"

#include "sb-store-audit.h"

GPtrArray *
sb_store_audit_list (SbStore *self, const SbAuditQuery *query, GError **error)
{
  SbStoreInterface *iface;

  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (query != NULL && query->event_id != NULL, NULL);
  g_return_val_if_fail (query->limit >= 1 && query->limit <= SB_AUDIT_MAX_LIMIT, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = SB_STORE_GET_IFACE (self);
  if (iface->audit_list == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "This store keeps no audit trail");
      return NULL;
    }
  return iface->audit_list (self, query, error);
}

gboolean
sb_store_audit_sign_in (SbStore *self,
                        const SbAuditRecord *record,
                        const char *token_hash,
                        gint64 expires_at_ms,
                        GError **error)
{
  SbStoreInterface *iface;

  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (record != NULL && record->account != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = SB_STORE_GET_IFACE (self);
  if (iface->audit_sign_in == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED, "This store keeps no audit trail");
      return FALSE;
    }
  return iface->audit_sign_in (self, record, token_hash, expires_at_ms, error);
}
