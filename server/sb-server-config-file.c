/* sb-server-config-file.c: the values of the server's settings, whether from the config file's
 * [server] group or from the command line: one parser per key, so both accept the same spellings
 * and report errors the same way; and the config file itself. */
#include "config.h"

#include "sb-server-config-private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sb-orphan-rule.h"
#include "sb-protocol.h"

static const struct
{
  const char *name;
  GLogLevelFlags level;
} log_levels[] = {
  { "error", G_LOG_LEVEL_ERROR },     { "critical", G_LOG_LEVEL_CRITICAL },
  { "warning", G_LOG_LEVEL_WARNING }, { "message", G_LOG_LEVEL_MESSAGE },
  { "info", G_LOG_LEVEL_INFO },       { "debug", G_LOG_LEVEL_DEBUG },
};

const char *
sb_log_level_to_string (GLogLevelFlags level)
{
  for (guint i = 0; i < G_N_ELEMENTS (log_levels); i++)
    if (log_levels[i].level == level)
      return log_levels[i].name;
  return "message";
}

static gboolean
parse_unsigned (const char *key,
                const char *value,
                guint64 min,
                guint64 max,
                guint64 *out_value,
                GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (value, 10, min, max, out_value, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Invalid value '%s' for %s: ", value, key);
      return FALSE;
    }
  return TRUE;
}

/* The edge's deadlines, in seconds (0 = off, at most a day), by key. */
static const struct
{
  const char *key;
  gsize offset;
} edge_timeouts[] = {
  { "handshake-timeout", G_STRUCT_OFFSET (SbWsLimits, handshake_timeout_s) },
  { "hello-timeout", G_STRUCT_OFFSET (SbWsLimits, hello_timeout_s) },
  { "frame-timeout", G_STRUCT_OFFSET (SbWsLimits, frame_timeout_s) },
  { "ping-interval", G_STRUCT_OFFSET (SbWsLimits, ping_interval_s) },
  { "pong-timeout", G_STRUCT_OFFSET (SbWsLimits, pong_timeout_s) },
};

static gboolean
is_edge_setting (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (edge_timeouts); i++)
    if (strcmp (key, edge_timeouts[i].key) == 0)
      return TRUE;
  return strcmp (key, "partial-frame-budget") == 0;
}

static gboolean
apply_edge_setting (SbServerSettings *s, const char *key, const char *value, GError **error)
{
  guint64 number;

  for (guint i = 0; i < G_N_ELEMENTS (edge_timeouts); i++)
    if (strcmp (key, edge_timeouts[i].key) == 0)
      {
        if (!parse_unsigned (key, value, 0, 24 * 60 * 60, &number, error))
          return FALSE;
        G_STRUCT_MEMBER (guint, &s->ws, edge_timeouts[i].offset) = (guint) number;
        return TRUE;
      }

  /* partial-frame-budget: 0 = no budget; otherwise at least one whole frame must fit. */
  if (!parse_unsigned (key, value, 0, G_MAXINT64, &number, error))
    return FALSE;
  if (number != 0 && number < SB_MAX_FRAME_BYTES)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Invalid value '%s' for %s: 0 or at least %d", value, key, SB_MAX_FRAME_BYTES);
      return FALSE;
    }
  s->ws.partial_budget = number;
  return TRUE;
}

/* Applies one setting, named as in the config file and as the long option. */
gboolean
_sb_server_settings_apply (SbServerSettings *s, const char *key, const char *value, GError **error)
{
  guint64 number;

  if (strcmp (key, "listen") == 0)
    {
      if (*value == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value for listen: empty address");
          return FALSE;
        }
      g_free (s->listen);
      s->listen = g_strdup (value);
    }
  else if (strcmp (key, "port") == 0)
    {
      if (!parse_unsigned (key, value, 0, 65535, &number, error))
        return FALSE;
      s->port = (guint) number;
    }
  else if (strcmp (key, "port-file") == 0)
    {
      g_free (s->port_file);
      s->port_file = g_strdup (value);
    }
  else if (strcmp (key, "store") == 0)
    {
      if (!g_str_has_prefix (value, "sqlite:") && !g_str_has_prefix (value, "mongodb://")
          && !g_str_has_prefix (value, "mongodb+srv://"))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for store: expected sqlite:PATH or mongodb://...",
                       value);
          return FALSE;
        }
      g_free (s->store_uri);
      s->store_uri = g_strdup (value);
    }
  else if (strcmp (key, "log-level") == 0)
    {
      guint i;
      for (i = 0; i < G_N_ELEMENTS (log_levels); i++)
        if (g_ascii_strcasecmp (value, log_levels[i].name) == 0)
          break;
      if (i == G_N_ELEMENTS (log_levels))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for log-level: expected error, warning, message, info "
                       "or debug",
                       value);
          return FALSE;
        }
      s->log_level = log_levels[i].level;
    }
  else if (strcmp (key, "requests-per-second") == 0)
    {
      char *end = NULL;
      errno = 0;
      double rate = g_ascii_strtod (value, &end);
      if (*value == '\0' || end == NULL || *end != '\0' || errno != 0 || !isfinite (rate)
          || rate <= 0 || rate > 1e6)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for requests-per-second: expected a number above 0",
                       value);
          return FALSE;
        }
      s->requests_per_second = rate;
    }
  else if (strcmp (key, "burst") == 0)
    {
      if (!parse_unsigned (key, value, 1, 1000000, &number, error))
        return FALSE;
      s->burst = (guint) number;
    }
  else if (strcmp (key, "max-queue-bytes") == 0)
    {
      if (!parse_unsigned (key, value, 1024, G_MAXINT64, &number, error))
        return FALSE;
      s->max_queue_bytes = number;
    }
  else if (strcmp (key, "max-seats-per-request") == 0)
    {
      if (!parse_unsigned (key, value, 1, SB_MAX_SEATS_PER_REQUEST, &number, error))
        return FALSE;
      s->max_seats_per_request = (guint) number;
    }
  else if (strcmp (key, "accounts") == 0)
    {
      if (strcmp (value, "required") != 0 && strcmp (value, "off") != 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for accounts: expected required or off", value);
          return FALSE;
        }
      s->accounts_required = strcmp (value, "required") == 0;
    }
  else if (strcmp (key, "session-hours") == 0)
    {
      char *end = NULL;
      errno = 0;
      double hours = g_ascii_strtod (value, &end);
      /* Fractions are allowed (tests use seconds); at most a year. */
      if (*value == '\0' || end == NULL || *end != '\0' || errno != 0 || !isfinite (hours)
          || hours <= 0 || hours > 24 * 366)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for session-hours: expected hours above 0, at most "
                       "8784",
                       value);
          return FALSE;
        }
      s->session_hours = hours;
    }
  else if (strcmp (key, "tls-certificate") == 0 || strcmp (key, "tls-key") == 0)
    {
      char **target = key[4] == 'c' ? &s->tls_certificate : &s->tls_key;

      if (*value == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value for %s: empty path", key);
          return FALSE;
        }
      g_free (*target);
      *target = g_strdup (value);
    }
  else if (strcmp (key, "allow-plaintext") == 0)
    {
      if (g_ascii_strcasecmp (value, "true") == 0)
        s->allow_plaintext = TRUE;
      else if (g_ascii_strcasecmp (value, "false") == 0)
        s->allow_plaintext = FALSE;
      else
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "Invalid value '%s' for allow-plaintext: expected true or false", value);
          return FALSE;
        }
    }
  else if (is_edge_setting (key))
    return apply_edge_setting (s, key, value, error);
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION, "Unknown setting '%s'",
                   key);
      return FALSE;
    }
  return TRUE;
}

gboolean
_sb_server_settings_load_key_file (SbServerSettings *s, const char *path, GError **error)
{
  g_autoptr (GKeyFile) key_file = g_key_file_new ();
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) keys = NULL;

  if (!g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Cannot read config file %s: ", path);
      return FALSE;
    }

  g_auto (GStrv) groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (strcmp (groups[i], "server") != 0)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "%s: unknown group [%s] (only [server] is read)", path, groups[i]);
          return FALSE;
        }
    }
  if (!g_key_file_has_group (key_file, "server"))
    return TRUE;

  keys = g_key_file_get_keys (key_file, "server", NULL, NULL);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *value = g_key_file_get_string (key_file, "server", keys[i], &local_error);

      /* port-file is for scripts driving the command line; the file takes the documented keys. */
      if (value == NULL || strcmp (keys[i], "port-file") == 0
          || !_sb_server_settings_apply (s, keys[i], value, &local_error))
        {
          if (local_error != NULL)
            g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                        "%s: [server] %s: ", path, keys[i]);
          else
            g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         "%s: [server] %s: not a setting of the file", path, keys[i]);
          return FALSE;
        }
    }
  return TRUE;
}
