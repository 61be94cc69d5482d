/* sb-store-health.h: whether the store keeps failing, and the log that says so once per interval
 * with a count rather than once per failed transaction. Used by the store worker: failures and
 * successes are reported from its thread, is_failing () is asked from the main loop. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GMutex lock;
  gint64 interval_us;
  gint64 failing_since_us;   /* 0 while the store works */
  gint64 last_failure_us;    /* when the last batch failed */
  gint64 last_log_us;        /* when the failure was last logged */
  guint64 failed_since_log;  /* batches failed since then */
  guint64 failed_in_episode; /* batches failed since failing_since_us */
  char *last_error;
} SbStoreHealth;

void sb_store_health_init (SbStoreHealth *self, gint64 interval_us);
void sb_store_health_clear (SbStoreHealth *self);
void sb_store_health_set_interval (SbStoreHealth *self, gint64 interval_us);

/* A batch failed (after its retry) with error, at now_us (monotonic). */
void sb_store_health_failed (SbStoreHealth *self, const GError *error, gint64 now_us);
/* A batch committed at now_us. */
void sb_store_health_succeeded (SbStoreHealth *self, gint64 now_us);
/* TRUE while the store keeps failing: a batch failed within the last interval and none has
 * committed since. Without traffic it turns FALSE after an interval, so that a load balancer that
 * stopped sending traffic on the 503 lets the next requests find out whether the store is back. */
gboolean sb_store_health_is_failing (SbStoreHealth *self, gint64 now_us);

G_END_DECLS
