/* sb-store-health.c: see sb-store-health.h. A store that cannot write (read-only file, corrupt
 * page, lost connection) fails every batch: logging each one buried the log (147 identical
 * warnings in 4 s), so the first failure is logged at once and then one line per interval counts
 * the rest. */

#include "config.h"

#include "sb-store-health.h"

#include <string.h>

void
sb_store_health_init (SbStoreHealth *self, gint64 interval_us)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof *self);
  g_mutex_init (&self->lock);
  self->interval_us = interval_us;
}

void
sb_store_health_clear (SbStoreHealth *self)
{
  g_return_if_fail (self != NULL);

  g_clear_pointer (&self->last_error, g_free);
  g_mutex_clear (&self->lock);
}

void
sb_store_health_set_interval (SbStoreHealth *self, gint64 interval_us)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (interval_us > 0);

  g_mutex_lock (&self->lock);
  self->interval_us = interval_us;
  g_mutex_unlock (&self->lock);
}

void
sb_store_health_failed (SbStoreHealth *self, const GError *error, gint64 now_us)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (error != NULL);

  g_mutex_lock (&self->lock);
  g_free (self->last_error);
  self->last_error = g_strdup (error->message);
  self->last_failure_us = now_us;
  self->failed_in_episode++;
  if (self->failing_since_us == 0)
    {
      self->failing_since_us = now_us;
      self->last_log_us = now_us;
      self->failed_since_log = 0;
      g_warning ("Store failing, writes are refused with “unavailable” and /healthz answers 503: "
                 "%s",
                 error->message);
    }
  else
    {
      self->failed_since_log++;
      if (now_us - self->last_log_us >= self->interval_us)
        {
          g_warning ("Store still failing: %" G_GUINT64_FORMAT
                     " batches failed in the last %.0f s (%" G_GUINT64_FORMAT
                     " since it started failing %.0f s ago); last error: %s",
                     self->failed_since_log, (double) (now_us - self->last_log_us) / G_USEC_PER_SEC,
                     self->failed_in_episode,
                     (double) (now_us - self->failing_since_us) / G_USEC_PER_SEC, error->message);
          self->last_log_us = now_us;
          self->failed_since_log = 0;
        }
    }
  g_mutex_unlock (&self->lock);
}

void
sb_store_health_succeeded (SbStoreHealth *self, gint64 now_us)
{
  g_return_if_fail (self != NULL);

  g_mutex_lock (&self->lock);
  if (self->failing_since_us != 0)
    {
      g_message ("Store working again after %" G_GUINT64_FORMAT " failed batches in %.0f s",
                 self->failed_in_episode,
                 (double) (now_us - self->failing_since_us) / G_USEC_PER_SEC);
      self->failing_since_us = 0;
      self->failed_in_episode = 0;
      self->failed_since_log = 0;
    }
  g_mutex_unlock (&self->lock);
}

gboolean
sb_store_health_is_failing (SbStoreHealth *self, gint64 now_us)
{
  gboolean failing;

  g_return_val_if_fail (self != NULL, FALSE);

  g_mutex_lock (&self->lock);
  failing = self->failing_since_us != 0 && now_us - self->last_failure_us < self->interval_us;
  g_mutex_unlock (&self->lock);
  return failing;
}
