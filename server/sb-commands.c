/* sb-commands.c: create-event and list-events, run on the store alone (no SbServer). */
#include "config.h"

#include "sb-commands.h"

#include "sb-server-private.h"
#include "sb-venue.h"

gboolean
sb_command_create_event (const SbServerSettings *settings, GError **error)
{
  g_return_val_if_fail (settings != NULL, FALSE);
  g_return_val_if_fail (settings->venue_file != NULL && settings->event_id != NULL, FALSE);

  g_autoptr (GError) local_error = NULL;
  g_autofree char *venue_json = NULL;
  gsize length;

  if (!g_file_get_contents (settings->venue_file, &venue_json, &length, &local_error))
    {
      /* Rewrapped on purpose (here and below): SB_SERVER_ERROR_USAGE makes the exit status 2. */
      g_set_error (error, SB_SERVER_ERROR, SB_SERVER_ERROR_USAGE, "%s", local_error->message);
      return FALSE;
    }
  /* Refuse a venue the server could not load later. */
  g_autoptr (SbVenue) venue
      = sb_venue_new_from_data (venue_json, (gssize) length, settings->venue_file, &local_error);
  if (venue == NULL)
    {
      g_set_error (error, SB_SERVER_ERROR, SB_SERVER_ERROR_USAGE, "Invalid venue %s: %s",
                   settings->venue_file, local_error->message);
      return FALSE;
    }

  g_autoptr (SbStore) store = _sb_server_open_store (settings, error);
  if (store == NULL)
    return FALSE;

  SbEventSpec spec = {
    .event_id = settings->event_id,
    .name = settings->event_name,
    .venue_json = venue_json,
    .starts_at_ms = settings->starts_at_ms,
    .orphan_rule = (SbOrphanRule) settings->orphan_rule,
    .time_zone = settings->time_zone,
    .sales_open_ms = settings->sales_open_ms,
    .sales_close_ms = settings->sales_close_ms,
  };

  if (!sb_store_create_event_spec (store, &spec, &local_error))
    {
      if (settings->if_missing
          && g_error_matches (local_error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS))
        {
          g_print ("Event %s exists already\n", settings->event_id);
          return TRUE;
        }
      if (g_error_matches (local_error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID))
        {
          /* A flag's mistake: exit status 2 like the others. */
          g_set_error (error, SB_SERVER_ERROR, SB_SERVER_ERROR_USAGE, "Cannot create event %s: %s",
                       settings->event_id, local_error->message);
          return FALSE;
        }
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot create event %s: ", settings->event_id);
      return FALSE;
    }

  g_print ("Created event %s (%s, %u seats)\n", settings->event_id, sb_venue_get_name (venue),
           sb_venue_get_n_seats (venue));
  return TRUE;
}

gboolean
sb_command_list_events (const SbServerSettings *settings, GError **error)
{
  g_return_val_if_fail (settings != NULL, FALSE);

  g_autoptr (GError) local_error = NULL;
  g_autoptr (SbStore) store = _sb_server_open_store (settings, error);
  if (store == NULL)
    return FALSE;

  g_autoptr (GPtrArray) records = sb_store_list_events (store, &local_error);
  if (records == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Cannot list events: ");
      return FALSE;
    }

  for (guint i = 0; i < records->len; i++)
    {
      const SbEventRecord *record = g_ptr_array_index (records, i);
      g_autofree char *starts_at = NULL;

      if (record->starts_at_ms != 0)
        {
          g_autoptr (GDateTime) date_time
              = g_date_time_new_from_unix_utc (record->starts_at_ms / 1000);
          starts_at = date_time != NULL ? g_date_time_format_iso8601 (date_time) : NULL;
        }
      g_print ("%s\t%" G_GINT64_FORMAT "\t%s\t%s\n", record->event_id, record->version,
               starts_at != NULL ? starts_at : "-", record->name);
    }
  return TRUE;
}
