/* sb-booking-commands.c: `seatbook-server bookings` (sb-booking-commands.h). The same search as
 * the find_bookings request (sb-store-bookings.h), page after page until the last. */
#include "config.h"

#include "sb-booking-commands.h"

#include <stdio.h>
#include <string.h>

#include "sb-audit-commands.h"
#include "sb-csv.h"
#include "sb-server-private.h"
#include "sb-store-bookings.h"

static const char *const columns[]
    = { "reference", "booked_at", "account", "desk",  "seats", "total_price",
        "state",     "name",      "phone",   "email", "note" };

SbVenue *
sb_command_load_event_venue (SbStore *store,
                             const char *event_id,
                             char **out_time_zone,
                             GError **error)
{
  g_autoptr (GPtrArray) events = sb_store_list_events (store, error);

  if (events == NULL)
    return NULL;
  for (guint i = 0; i < events->len; i++)
    {
      const SbEventRecord *event = g_ptr_array_index (events, i);

      if (g_str_equal (event->event_id, event_id))
        {
          if (out_time_zone != NULL)
            *out_time_zone = g_strdup (event->time_zone);
          return sb_venue_new_from_data (event->venue_json, -1, event_id, error);
        }
    }
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No event %s", event_id);
  return NULL;
}

static void
fields_of (const SbBookingRecord *record, SbVenue *venue, char *fields[G_N_ELEMENTS (columns)])
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (record->booked_at_ms / 1000);
  const SbCustomer *customer = record->customer;

  fields[0] = g_strdup (record->booking_id);
  fields[1] = utc != NULL ? g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
  fields[2] = g_strdup (record->account);
  fields[3] = g_strdup (record->desk);
  fields[4] = g_strjoinv (" ", record->seat_ids);
  fields[5] = g_strdup_printf ("%" G_GINT64_FORMAT, sb_booking_record_total_price (record, venue));
  fields[6] = g_strdup (record->state);
  fields[7] = g_strdup (customer != NULL && customer->name != NULL ? customer->name : "");
  fields[8] = g_strdup (customer != NULL && customer->phone != NULL ? customer->phone : "");
  fields[9] = g_strdup (customer != NULL && customer->email != NULL ? customer->email : "");
  fields[10] = g_strdup (customer != NULL && customer->note != NULL ? customer->note : "");
}

static void
append_record (GString *out, const SbBookingRecord *record, SbVenue *venue, gboolean csv)
{
  char *fields[G_N_ELEMENTS (columns)];

  fields_of (record, venue, fields);
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      if (i > 0)
        g_string_append_c (out, csv ? ',' : '\t');
      /* The total is a figure; every other column is text, guarded against formulas. */
      if (csv && i == 5)
        sb_csv_append_figure (out, fields[i]);
      else if (csv)
        sb_csv_append_field (out, fields[i]);
      else
        {
          /* A note may hold line breaks, a desk anything: neither may break a line or a column. */
          g_strdelimit (fields[i], "\t\r\n", ' ');
          g_string_append (out, fields[i]);
        }
      g_free (fields[i]);
    }
  g_string_append (out, csv ? "\r\n" : "\n");
}

/* The options of `bookings` (sb-server-config.c reads them): --event, at most one criterion
 * (criteria: --reference, --name, --phone, --email, --seat, in SbBookingSearch order), --format. */
gboolean
sb_command_bookings_parse (
    SbServerSettings *s, char **event, char **criteria[5], const char *format, GError **error)
{
  const SbBookingSearch by[]
      = { SB_BOOKING_SEARCH_REFERENCE, SB_BOOKING_SEARCH_NAME, SB_BOOKING_SEARCH_PHONE,
          SB_BOOKING_SEARCH_EMAIL, SB_BOOKING_SEARCH_SEAT };

  g_return_val_if_fail (s != NULL && event != NULL && criteria != NULL, FALSE);

  if (*event == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "bookings needs --event");
      return FALSE;
    }
  s->bookings_by = SB_BOOKING_SEARCH_ALL;
  for (guint i = 0; i < G_N_ELEMENTS (by); i++)
    {
      if (*criteria[i] == NULL)
        continue;
      if (s->bookings_value != NULL)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                       "bookings takes at most one of --reference, --name, --phone, --email and "
                       "--seat");
          return FALSE;
        }
      s->bookings_by = by[i];
      s->bookings_value = g_steal_pointer (criteria[i]);
    }
  if (format != NULL && strcmp (format, "csv") != 0 && strcmp (format, "text") != 0)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Invalid value '%s' for format: expected csv or text", format);
      return FALSE;
    }
  s->audit_csv = g_strcmp0 (format, "csv") == 0;
  s->event_id = g_steal_pointer (event);
  return TRUE;
}

gboolean
sb_command_bookings (const SbServerSettings *settings, GError **error)
{
  g_return_val_if_fail (settings != NULL && settings->event_id != NULL, FALSE);

  g_autoptr (GError) local_error = NULL;
  g_autoptr (SbStore) store = _sb_server_open_store (settings, error);
  g_autoptr (SbVenue) venue = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *after = NULL;

  if (store == NULL)
    return FALSE;
  venue = sb_command_load_event_venue (store, settings->event_id, NULL, &local_error);
  if (venue == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "Cannot find bookings: ");
      return FALSE;
    }
  if (settings->audit_csv)
    {
      for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          g_string_append (out, columns[i]);
        }
      g_string_append (out, "\r\n");
    }

  do
    {
      SbBookingQuery query = {
        .event_id = settings->event_id,
        .by = (SbBookingSearch) settings->bookings_by,
        .value = settings->bookings_value,
        .after = after,
        .limit = SB_MAX_FIND_LIMIT,
      };
      g_autofree char *next = NULL;
      g_autoptr (GPtrArray) records = sb_store_find_bookings (store, &query, &next, &local_error);

      if (records == NULL)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                      "Cannot find bookings: ");
          return FALSE;
        }
      for (guint i = 0; i < records->len; i++)
        append_record (out, g_ptr_array_index (records, i), venue, settings->audit_csv);
      g_free (after);
      after = g_steal_pointer (&next);
    }
  while (after != NULL);

  fwrite (out->str, 1, out->len, stdout);
  return fflush (stdout) == 0;
}
