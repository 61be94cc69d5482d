/* sb-event-form.c: the create_event request from the New Event dialog's form (sb-event-form.h). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sb-event-form.h"
#include "sb-event-time.h"

static char *
stripped_or_null (const char *text)
{
  char *copy;

  if (text == NULL)
    return NULL;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

char *
sb_event_form_join_time (const char *date, const char *time)
{
  g_autofree char *d = stripped_or_null (date);
  g_autofree char *t = stripped_or_null (time);
  guint colons = 0;

  if (d == NULL && t == NULL)
    return NULL;
  if (t == NULL)
    return g_strdup_printf ("%sT00:00:00", d);
  for (const char *p = t; *p != '\0'; p++)
    colons += *p == ':';
  /* "20:00" is what people type; the protocol's local time has seconds. */
  return g_strdup_printf ("%sT%s%s", d != NULL ? d : "", t, colons == 1 ? ":00" : "");
}

void
sb_event_form_fill_request (const SbEventForm *form, SbRequest *request)
{
  g_return_if_fail (form != NULL);
  g_return_if_fail (request != NULL);

  request->event_id = stripped_or_null (form->event_id);
  request->name = stripped_or_null (form->name);
  /* The file's text as it is: the loader's lines and columns are the file's. */
  request->venue_text = g_strdup (form->venue_text);
  if (request->venue_text == NULL)
    request->venue_id = g_strdup (form->venue_id);
  request->time_zone = stripped_or_null (form->time_zone);
  request->starts_at = sb_event_form_join_time (form->date, form->time);
  request->sales_open = sb_event_form_join_time (form->sales_open_date, form->sales_open_time);
  request->sales_close = sb_event_form_join_time (form->sales_close_date, form->sales_close_time);
}

char *
sb_event_form_default_time_zone (void)
{
  g_autoptr (GTimeZone) local = g_time_zone_new_local ();
  const char *name = g_time_zone_get_identifier (local);

  /* GLib may give a path (/etc/localtime) or a POSIX TZ string, which the server refuses. */
  if (name != NULL && sb_time_zone_name_is_valid (name))
    return g_strdup (name);
  return g_strdup ("UTC");
}

const char *
sb_event_form_describe_field (const char *field)
{
  static const struct
  {
    const char *field;
    const char *words;
  } fields[] = {
    { "event", N_ ("Event ID") },        { "name", N_ ("Name") },
    { "venue", N_ ("Venue") },           { "venue_text", N_ ("Venue file") },
    { "time_zone", N_ ("Time zone") },   { "starts_at", N_ ("Date and time") },
    { "sales_open", N_ ("Sales open") }, { "sales_close", N_ ("Sales close") },
  };

  for (guint i = 0; field != NULL && i < G_N_ELEMENTS (fields); i++)
    if (strcmp (field, fields[i].field) == 0)
      return _ (fields[i].words);
  return NULL;
}

char *
sb_event_form_field_at_fault (const char *field, const char *message)
{
  const char *start;
  const char *end;

  if (field != NULL && *field != '\0')
    return g_strdup (field);
  start = message != NULL ? strstr (message, "field \"") : NULL;
  if (start == NULL)
    return NULL;
  start += strlen ("field \"");
  end = strchr (start, '"');
  if (end == NULL || end == start)
    return NULL;
  return g_strndup (start, (gsize) (end - start));
}
