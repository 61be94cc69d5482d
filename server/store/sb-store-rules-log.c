/* sb-store-rules-log.c: the rules every backend follows for the change log and for reading an
 * event back (sb-store-rules.h): which versions a replay may ask for, that a replay has them all,
 * the venue an event was created from, a fresh event's state. The op's own steps are in
 * sb-store-rules.c. */
#include "config.h"

#include "sb-store-rules.h"

/* The change log */

void
sb_store_rules_set_event_not_found (GError **error, const char *event_id)
{
  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No event “%s”", event_id);
}

gboolean
sb_store_rules_check_since (
    const char *event_id, gboolean found, gint64 version, gint64 since_version, GError **error)
{
  if (!found)
    {
      sb_store_rules_set_event_not_found (error, event_id);
      return FALSE;
    }
  if (since_version > version)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_AHEAD,
                   "Event %s is at version %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT, event_id,
                   version, since_version);
      return FALSE;
    }
  if (since_version < 0)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD, "No version %" G_GINT64_FORMAT,
                   since_version);
      return FALSE;
    }
  return TRUE;
}

gboolean
sb_store_rules_add_logged_change (GPtrArray *changes,
                                  const char *event_id,
                                  gint64 since_version,
                                  gint64 row_version,
                                  const char *json,
                                  GError **error)
{
  gint64 expected = since_version + 1 + (gint64) changes->len;
  SbChange *change;

  /* The first version missing means the log was pruned past since_version. */
  if (row_version != expected)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD,
                   "The change log of event %s no longer has version %" G_GINT64_FORMAT, event_id,
                   expected);
      return FALSE;
    }
  if (json == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                   "Change %" G_GINT64_FORMAT " of event %s has no content", expected, event_id);
      return FALSE;
    }
  change = sb_change_from_json (json, error);
  if (change == NULL)
    {
      g_prefix_error (error, "Change %" G_GINT64_FORMAT " of event %s: ", expected, event_id);
      return FALSE;
    }
  g_ptr_array_add (changes, change);
  return TRUE;
}

gboolean
sb_store_rules_check_log_complete (
    GPtrArray *changes, const char *event_id, gint64 since_version, gint64 version, GError **error)
{
  if (since_version + (gint64) changes->len != version)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_TOO_OLD,
                   "The change log of event %s does not reach version %" G_GINT64_FORMAT, event_id,
                   version);
      return FALSE;
    }
  return TRUE;
}

/* Events */

SbVenue *
sb_store_rules_parse_venue (const char *event_id, const char *json, gssize length, GError **error)
{
  g_autofree char *source = g_strdup_printf ("event %s", event_id);

  return sb_venue_new_from_data (json, length, source, error);
}

SbEventState *
sb_store_rules_new_event_state (gint64 version)
{
  SbEventState *state = g_new0 (SbEventState, 1);

  state->version = version;
  state->seats = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_seat_change_free);
  state->holds = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_hold_record_free);
  return state;
}
