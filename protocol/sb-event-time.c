/* sb-event-time.c: an event's times and time zone (sb-event-time.h). */
#include "sb-event-time.h"

#include <string.h>

gboolean
sb_time_zone_name_is_valid (const char *name)
{
  g_autoptr (GTimeZone) zone = NULL;

  if (name == NULL || name[0] == '\0' || strlen (name) > SB_MAX_TIME_ZONE_LENGTH)
    return FALSE;
  /* GTimeZone also takes offsets ("+01:00"), POSIX TZ strings ("CET-1CEST") and, with a leading
   * slash, any file: only names made of a zone database's characters are IANA names. */
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '/' && *p != '_' && *p != '-' && *p != '+')
      return FALSE;
  if (name[0] == '/' || name[0] == '-' || name[0] == '+' || strstr (name, "..") != NULL
      || g_ascii_isdigit (name[0]))
    return FALSE;
  zone = g_time_zone_new_identifier (name);
  return zone != NULL;
}

gboolean
sb_event_time_parse (const char *iso8601, const char *zone_name, gint64 *out_ms)
{
  g_autoptr (GTimeZone) zone = NULL;
  g_autoptr (GDateTime) date_time = NULL;

  g_return_val_if_fail (out_ms != NULL, FALSE);

  if (iso8601 == NULL || strlen (iso8601) > 64)
    return FALSE;
  if (zone_name != NULL)
    {
      if (!sb_time_zone_name_is_valid (zone_name))
        return FALSE;
      zone = g_time_zone_new_identifier (zone_name);
    }
  else
    zone = g_time_zone_new_utc ();
  date_time = g_date_time_new_from_iso8601 (iso8601, zone);
  if (date_time == NULL || g_date_time_to_unix (date_time) < 0)
    return FALSE;
  *out_ms = g_date_time_to_unix (date_time) * 1000 + g_date_time_get_microsecond (date_time) / 1000;
  /* 0 means "not given" everywhere else. */
  return *out_ms > 0;
}
