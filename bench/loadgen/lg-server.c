/* lg-server.c: /proc and /metrics readers, see lg-server.h. */
#include "lg-server.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

gboolean
lg_proc_sample (int pid, LgProcSample *sample)
{
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *status_path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *stat = NULL;
  g_autofree char *status = NULL;

  memset (sample, 0, sizeof *sample);
  if (pid <= 0 || !g_file_get_contents (stat_path, &stat, NULL, NULL)
      || !g_file_get_contents (status_path, &status, NULL, NULL))
    return FALSE;

  /* The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
   * utime and stime are fields 14 and 15 and include every thread of the process. */
  const char *p = strrchr (stat, ')');
  if (p == NULL)
    return FALSE;
  g_auto (GStrv) fields = g_strsplit (p + 2, " ", -1);
  if (g_strv_length (fields) < 13)
    return FALSE;
  double ticks = (double) sysconf (_SC_CLK_TCK);
  sample->cpu_s = (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / ticks;

  g_auto (GStrv) lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_str_has_prefix (lines[i], "VmRSS:"))
        sample->rss_kib = g_ascii_strtoll (lines[i] + 6, NULL, 10);
      else if (g_str_has_prefix (lines[i], "VmHWM:"))
        sample->hwm_kib = g_ascii_strtoll (lines[i] + 6, NULL, 10);
      else if (g_str_has_prefix (lines[i], "Threads:"))
        sample->threads = g_ascii_strtoll (lines[i] + 8, NULL, 10);
    }
  sample->at_us = g_get_monotonic_time ();
  sample->valid = TRUE;
  return TRUE;
}

gboolean
lg_accept_any_certificate (gpointer message,
                           gpointer certificate,
                           GTlsCertificateFlags errors,
                           gpointer user_data)
{
  return TRUE;
}

char *
lg_metrics_fetch (const char *url, GError **error)
{
  g_autoptr (SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr (SoupMessage) message = soup_message_new ("GET", url);

  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad URL %s", url);
      return NULL;
    }
  /* https: the bench's server has a self-signed certificate, on loopback. */
  g_signal_connect (message, "accept-certificate", G_CALLBACK (lg_accept_any_certificate), NULL);
  g_autoptr (GBytes) body = soup_session_send_and_read (session, message, NULL, error);
  if (body == NULL)
    return NULL;
  if (soup_message_get_status (message) != SOUP_STATUS_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: HTTP %u", url,
                   soup_message_get_status (message));
      return NULL;
    }
  gsize len;
  const char *data = g_bytes_get_data (body, &len);
  return g_strndup (data, len);
}

/* Matches "name" or "name{…}" at the start of line; returns the value text after it, or NULL.
 * `le` receives the le label's value where there is one. */
static const char *
match_sample (const char *line, const char *name, char **le)
{
  gsize name_len = strlen (name);

  if (strncmp (line, name, name_len) != 0)
    return NULL;
  const char *p = line + name_len;
  if (*p == '{')
    {
      const char *close = strchr (p, '}');
      if (close == NULL)
        return NULL;
      if (le != NULL)
        {
          const char *l = strstr (p, "le=\"");
          if (l != NULL && l < close)
            {
              const char *e = strchr (l + 4, '"');
              if (e != NULL)
                *le = g_strndup (l + 4, (gsize) (e - l - 4));
            }
        }
      p = close + 1;
    }
  if (*p != ' ')
    return NULL;
  return p + 1;
}

void
lg_prom_hist_clear (LgPromHist *hist)
{
  if (hist->le != NULL)
    g_array_unref (hist->le);
  if (hist->counts != NULL)
    g_array_unref (hist->counts);
  memset (hist, 0, sizeof *hist);
}

void
lg_prom_hist_parse (const char *text, const char *name, LgPromHist *hist)
{
  g_autofree char *bucket_name = g_strconcat (name, "_bucket", NULL);
  g_autofree char *sum_name = g_strconcat (name, "_sum", NULL);
  g_autofree char *count_name = g_strconcat (name, "_count", NULL);

  memset (hist, 0, sizeof *hist);
  hist->le = g_array_new (FALSE, FALSE, sizeof (double));
  hist->counts = g_array_new (FALSE, FALSE, sizeof (double));
  if (text == NULL)
    return;

  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *le_text = NULL;
      const char *value;

      if ((value = match_sample (lines[i], bucket_name, &le_text)) != NULL && le_text != NULL)
        {
          double le = strcmp (le_text, "+Inf") == 0 ? INFINITY : g_ascii_strtod (le_text, NULL);
          double count = g_ascii_strtod (value, NULL);
          guint j;
          /* Sum over label sets: add into the bucket with the same bound. */
          for (j = 0; j < hist->le->len; j++)
            if (g_array_index (hist->le, double, j) == le)
              break;
          if (j == hist->le->len)
            {
              double zero = 0;
              g_array_append_val (hist->le, le);
              g_array_append_val (hist->counts, zero);
            }
          g_array_index (hist->counts, double, j) += count;
          hist->found = TRUE;
        }
      else if ((value = match_sample (lines[i], sum_name, NULL)) != NULL)
        hist->sum += g_ascii_strtod (value, NULL);
      else if ((value = match_sample (lines[i], count_name, NULL)) != NULL)
        hist->count += g_ascii_strtod (value, NULL);
    }

  /* Keep the buckets in bound order (exposition order is not guaranteed across label sets). */
  for (guint a = 1; a < hist->le->len; a++)
    for (guint b = a;
         b > 0 && g_array_index (hist->le, double, b - 1) > g_array_index (hist->le, double, b);
         b--)
      {
        double t = g_array_index (hist->le, double, b);
        g_array_index (hist->le, double, b) = g_array_index (hist->le, double, b - 1);
        g_array_index (hist->le, double, b - 1) = t;
        t = g_array_index (hist->counts, double, b);
        g_array_index (hist->counts, double, b) = g_array_index (hist->counts, double, b - 1);
        g_array_index (hist->counts, double, b - 1) = t;
      }
}

double
lg_prom_hist_quantile (const LgPromHist *before, const LgPromHist *after, double q)
{
  if (!after->found || after->le->len == 0)
    return -1;

  guint n = after->le->len;
  g_autofree double *delta = g_new0 (double, n);
  for (guint i = 0; i < n; i++)
    {
      delta[i] = g_array_index (after->counts, double, i);
      if (before != NULL && before->found && i < before->le->len
          && g_array_index (before->le, double, i) == g_array_index (after->le, double, i))
        delta[i] -= g_array_index (before->counts, double, i);
    }
  double total = delta[n - 1];
  if (total <= 0)
    return -1;

  double rank = q * total;
  for (guint i = 0; i < n; i++)
    {
      if (delta[i] >= rank)
        {
          double upper = g_array_index (after->le, double, i);
          double lower = i > 0 ? g_array_index (after->le, double, i - 1) : 0;
          double below = i > 0 ? delta[i - 1] : 0;
          if (isinf (upper))
            return lower; /* PromQL answers with the highest finite bound */
          double in_bucket = delta[i] - below;
          return in_bucket > 0 ? lower + (upper - lower) * (rank - below) / in_bucket : upper;
        }
    }
  return -1;
}

double
lg_prom_value (const char *text, const char *name)
{
  double total = 0;
  gboolean found = FALSE;

  if (text == NULL)
    return -1;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *value = match_sample (lines[i], name, NULL);
      if (value != NULL)
        {
          total += g_ascii_strtod (value, NULL);
          found = TRUE;
        }
    }
  return found ? total : -1;
}
