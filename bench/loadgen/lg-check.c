/* lg-check.c: after the run, every booking we were acknowledged is looked up in a fresh snapshot
 * from the server and, with --db, in its SQLite file (the independent readers of lg-verify.c).
 * See lg-run-private.h. */
#include "lg-run-private.h"

#include "lg-verify.h"

#include <string.h>

void
lg_check (LgCheck *result)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new ();

  memset (result, 0, sizeof *result);
  result->ran = TRUE;
  for (guint e = 0; e < lg_run.events->len; e++)
    g_ptr_array_add (ids, ((Event *) lg_run.events->pdata[e])->id);
  g_ptr_array_add (ids, NULL);

  g_autoptr (GPtrArray) snapshots = lg_verify_fetch_snapshots (
      lg_opt.url, lg_run.token, (const char *const *) ids->pdata, 60, &error);
  if (snapshots == NULL)
    {
      result->error = g_strdup (error->message);
      return;
    }

  for (guint e = 0; e < lg_run.events->len; e++)
    {
      Event *event = lg_run.events->pdata[e];
      LgSnapshot *snapshot = snapshots->pdata[e];
      for (guint s = 0; s < event->n_seats; s++)
        {
          const char *id = sb_venue_get_seat (event->venue, s)->id;
          const char *state = g_hash_table_lookup (snapshot->states, id);
          gboolean booked = g_strcmp0 (state, "booked") == 0;
          if (event->acked_booking[s] != NULL && !booked)
            {
              result->acked_missing++;
              if (result->acked_missing <= 5)
                g_printerr ("MISSING: %s %s acknowledged as %s but is %s\n", event->id, id,
                            event->acked_booking[s], state != NULL ? state : "free");
            }
          else if (event->acked_booking[s] == NULL && booked)
            result->booked_unacked++;
        }

      if (lg_opt.db != NULL)
        {
          guint dups = 0, inconsistent = 0;
          g_autoptr (GHashTable) db
              = lg_verify_read_db (lg_opt.db, event->id, &dups, &inconsistent, &error);
          if (db == NULL)
            {
              result->error = g_strdup (error->message);
              return;
            }
          result->db_duplicates += dups;
          result->db_inconsistent += inconsistent;
          for (guint s = 0; s < event->n_seats; s++)
            {
              if (event->acked_booking[s] == NULL)
                continue;
              const char *id = sb_venue_get_seat (event->venue, s)->id;
              const char *booking = g_hash_table_lookup (db, id);
              if (g_strcmp0 (booking, event->acked_booking[s]) != 0)
                {
                  result->db_missing++;
                  if (result->db_missing <= 5)
                    g_printerr ("DB: %s %s acknowledged as %s, database has %s\n", event->id, id,
                                event->acked_booking[s], booking != NULL ? booking : "nothing");
                }
            }
        }
    }
  result->ok = result->acked_missing == 0 && lg_run.n_double_acks == 0 && result->db_missing == 0
               && result->db_duplicates == 0 && result->db_inconsistent == 0;
}
