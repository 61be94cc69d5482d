/* sb-audit-commands.c: `seatbook-server audit` (sb-audit-commands.h). */
#include "config.h"

#include "sb-audit-commands.h"

#include <stdio.h>
#include <string.h>

#include "sb-csv.h"
#include "sb-server-private.h"
#include "sb-store-audit.h"

static const char *const columns[]
    = { "at", "account", "desk", "action", "seats", "hold", "booking", "detail" };

/* The fields of a record, in the order of columns; seats joined with spaces. */
static void
fields_of (const SbAuditRecord *record, char *fields[G_N_ELEMENTS (columns)])
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (record->at_ms / 1000);
  g_autoptr (GDateTime) at
      = utc != NULL ? g_date_time_add (utc, (record->at_ms % 1000) * 1000) : NULL;

  fields[0] = at != NULL ? g_date_time_format (at, "%Y-%m-%dT%H:%M:%S.%fZ") : g_strdup ("");
  /* %f gives microseconds: keep the milliseconds the trail has. */
  if (strlen (fields[0]) == 27)
    memmove (fields[0] + 23, fields[0] + 26, 2);
  fields[1] = g_strdup (record->account);
  fields[2] = g_strdup (record->desk);
  fields[3] = g_strdup (record->action);
  fields[4] = g_strjoinv (" ", record->seat_ids);
  fields[5] = g_strdup (record->hold_id != NULL ? record->hold_id : "");
  fields[6] = g_strdup (record->booking_id != NULL ? record->booking_id : "");
  fields[7] = g_strdup (record->detail != NULL ? record->detail : "");
}

static void
free_fields (char *fields[G_N_ELEMENTS (columns)])
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    g_free (fields[i]);
}

void
sb_audit_record_append_text (GString *out, const SbAuditRecord *record)
{
  char *fields[G_N_ELEMENTS (columns)];

  g_return_if_fail (out != NULL && record != NULL);

  fields_of (record, fields);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (i > 0)
        g_string_append_c (out, '\t');
      /* A desk is a client's own string: it must not break the line or the columns. */
      g_strdelimit (fields[i], "\t\r\n", ' ');
      g_string_append (out, fields[i]);
    }
  g_string_append_c (out, '\n');
  free_fields (fields);
}

void
sb_audit_append_csv_header (GString *out)
{
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, columns[i]);
    }
  g_string_append (out, "\r\n");
}

void
sb_audit_record_append_csv (GString *out, const SbAuditRecord *record)
{
  char *fields[G_N_ELEMENTS (columns)];

  g_return_if_fail (out != NULL && record != NULL);

  fields_of (record, fields);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      sb_csv_append_field (out, fields[i]);
    }
  g_string_append (out, "\r\n");
  free_fields (fields);
}

gboolean
sb_command_audit (const SbServerSettings *settings, GError **error)
{
  g_return_val_if_fail (settings != NULL && settings->event_id != NULL, FALSE);

  g_autoptr (GError) local_error = NULL;
  g_autoptr (SbStore) store = _sb_server_open_store (settings, error);
  if (store == NULL)
    return FALSE;

  SbAuditQuery query = {
    .event_id = settings->event_id,
    .since_ms = settings->audit_since_ms,
    .seat_id = settings->audit_seat,
    .booking_id = settings->audit_booking,
    .limit = settings->audit_limit,
  };
  g_autoptr (GPtrArray) records = sb_store_audit_list (store, &query, &local_error);
  if (records == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot read the audit trail: ");
      return FALSE;
    }

  g_autoptr (GString) out = g_string_sized_new (128 * (records->len + 1));
  if (settings->audit_csv)
    sb_audit_append_csv_header (out);
  for (guint i = 0; i < records->len; i++)
    {
      if (settings->audit_csv)
        sb_audit_record_append_csv (out, g_ptr_array_index (records, i));
      else
        sb_audit_record_append_text (out, g_ptr_array_index (records, i));
    }
  fwrite (out->str, 1, out->len, stdout);
  return fflush (stdout) == 0;
}
