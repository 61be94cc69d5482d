/* sb-audit-record.c: audit entries (sb-audit-record.h). */
#include "config.h"

#include "sb-audit-record.h"

SbAuditRecord *
sb_audit_record_new (const char *event_id,
                     gint64 at_ms,
                     const char *account,
                     const char *desk,
                     const char *action,
                     const char *const *seat_ids,
                     const char *hold_id,
                     const char *booking_id,
                     const char *detail)
{
  SbAuditRecord *entry = g_new0 (SbAuditRecord, 1);

  g_return_val_if_fail (action != NULL, NULL);

  entry->event_id = g_strdup (event_id != NULL ? event_id : "");
  entry->at_ms = at_ms;
  entry->account = g_strdup (account != NULL ? account : "");
  entry->desk = g_strdup (desk != NULL ? desk : "");
  entry->action = g_strdup (action);
  entry->seat_ids = seat_ids != NULL ? g_strdupv ((char **) seat_ids) : g_new0 (char *, 1);
  entry->hold_id = g_strdup (hold_id);
  entry->booking_id = g_strdup (booking_id);
  entry->detail = g_strdup (detail);
  return entry;
}

void
sb_audit_record_free (SbAuditRecord *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->event_id);
  g_free (entry->account);
  g_free (entry->desk);
  g_free (entry->action);
  g_strfreev (entry->seat_ids);
  g_free (entry->hold_id);
  g_free (entry->booking_id);
  g_free (entry->detail);
  g_free (entry);
}
