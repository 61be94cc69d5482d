/* sb-sign-in-throttle.c: failed sign-ins per account and per address (sb-sign-in-throttle.h). */
#include "sb-sign-in-throttle.h"

/* Above this many entries in a table, a failure first drops the entries that have expired. */
#define PRUNE_THRESHOLD 4096

typedef struct
{
  guint failures;         /* within the window that started at window_start_ms */
  gint64 window_start_ms; /* the first of those failures */
  gint64 locked_until_ms; /* 0 when not locked */
} Record;

struct _SbSignInThrottle
{
  GObject parent_instance;

  SbSignInLimits limits;
  GHashTable *accounts;  /* username → Record */
  GHashTable *addresses; /* address → Record */
};

G_DEFINE_FINAL_TYPE (SbSignInThrottle, sb_sign_in_throttle, G_TYPE_OBJECT)

void
sb_sign_in_limits_init_default (SbSignInLimits *limits)
{
  g_return_if_fail (limits != NULL);

  limits->account_failures = 5;
  limits->address_failures = 20;
  limits->window_ms = 15 * 60 * 1000;
  limits->lockout_ms = 15 * 60 * 1000;
  limits->first_delay_ms = 250;
  limits->max_delay_ms = 2000;
}

static void
sb_sign_in_throttle_finalize (GObject *object)
{
  SbSignInThrottle *self = SB_SIGN_IN_THROTTLE (object);

  g_hash_table_unref (self->accounts);
  g_hash_table_unref (self->addresses);
  G_OBJECT_CLASS (sb_sign_in_throttle_parent_class)->finalize (object);
}

static void
sb_sign_in_throttle_class_init (SbSignInThrottleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_sign_in_throttle_finalize;
}

static void
sb_sign_in_throttle_init (SbSignInThrottle *self)
{
  self->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SbSignInThrottle *
sb_sign_in_throttle_new (const SbSignInLimits *limits)
{
  SbSignInThrottle *self;

  g_return_val_if_fail (limits != NULL, NULL);
  g_return_val_if_fail (limits->account_failures > 0 && limits->address_failures > 0, NULL);

  self = g_object_new (SB_TYPE_SIGN_IN_THROTTLE, NULL);
  self->limits = *limits;
  return self;
}

static gint64
remaining_lock (GHashTable *table, const char *key, gint64 now_ms)
{
  Record *record;

  if (key == NULL)
    return 0;
  record = g_hash_table_lookup (table, key);
  if (record == NULL || record->locked_until_ms <= now_ms)
    return 0;
  return record->locked_until_ms - now_ms;
}

gint64
sb_sign_in_throttle_check (SbSignInThrottle *self,
                           const char *username,
                           const char *address,
                           gint64 now_ms)
{
  g_return_val_if_fail (SB_IS_SIGN_IN_THROTTLE (self), 0);

  return MAX (remaining_lock (self->accounts, username, now_ms),
              remaining_lock (self->addresses, address, now_ms));
}

/* The failures of key that still count at now_ms (as count_failure () would see them). */
static guint
current_failures (SbSignInThrottle *self, GHashTable *table, const char *key, gint64 now_ms)
{
  const Record *record = g_hash_table_lookup (table, key);

  if (record == NULL)
    return 0;
  if (record->locked_until_ms > now_ms)
    return G_MAXUINT;
  if ((record->locked_until_ms != 0 && record->locked_until_ms <= now_ms)
      || (record->failures > 0 && record->window_start_ms + self->limits.window_ms <= now_ms))
    return 0;
  return record->failures;
}

static guint
left (guint threshold, guint failures)
{
  return failures >= threshold ? 0 : threshold - failures;
}

void
sb_sign_in_throttle_failures_left (SbSignInThrottle *self,
                                   const char *username,
                                   const char *address,
                                   gint64 now_ms,
                                   guint *out_account_left,
                                   guint *out_address_left)
{
  g_return_if_fail (SB_IS_SIGN_IN_THROTTLE (self));
  g_return_if_fail (address != NULL);

  *out_account_left = username == NULL
                          ? G_MAXUINT
                          : left (self->limits.account_failures,
                                  current_failures (self, self->accounts, username, now_ms));
  *out_address_left = left (self->limits.address_failures,
                            current_failures (self, self->addresses, address, now_ms));
}

static gboolean
record_expired (gpointer key, gpointer value, gpointer user_data)
{
  const Record *record = value;
  const gint64 *cutoff = user_data; /* [0] now, [1] window */

  return record->locked_until_ms <= cutoff[0] && record->window_start_ms + cutoff[1] <= cutoff[0];
}

/* Counts one failure in @table; returns the record. Locks it when it reaches @threshold. */
static Record *
count_failure (SbSignInThrottle *self,
               GHashTable *table,
               const char *key,
               guint threshold,
               gint64 now_ms,
               gint64 *out_locked_ms)
{
  Record *record;

  if (g_hash_table_size (table) >= PRUNE_THRESHOLD)
    {
      gint64 cutoff[2] = { now_ms, self->limits.window_ms };
      g_hash_table_foreach_remove (table, record_expired, cutoff);
    }

  record = g_hash_table_lookup (table, key);
  if (record == NULL)
    {
      record = g_new0 (Record, 1);
      g_hash_table_insert (table, g_strdup (key), record);
    }
  /* A lock that has ended, or a window that has passed, starts the count afresh. */
  if ((record->locked_until_ms != 0 && record->locked_until_ms <= now_ms)
      || (record->failures > 0 && record->window_start_ms + self->limits.window_ms <= now_ms))
    {
      record->failures = 0;
      record->locked_until_ms = 0;
    }
  if (record->failures == 0)
    record->window_start_ms = now_ms;
  record->failures++;
  if (record->failures >= threshold && record->locked_until_ms == 0)
    {
      record->locked_until_ms = now_ms + self->limits.lockout_ms;
      *out_locked_ms = MAX (*out_locked_ms, self->limits.lockout_ms);
    }
  return record;
}

gint64
sb_sign_in_throttle_failure (SbSignInThrottle *self,
                             const char *username,
                             const char *address,
                             gint64 now_ms,
                             gint64 *out_locked_ms)
{
  guint failures = 0;
  gint64 locked_ms = 0;
  gint64 delay;

  g_return_val_if_fail (SB_IS_SIGN_IN_THROTTLE (self), 0);

  if (username != NULL)
    {
      const Record *record = count_failure (self, self->accounts, username,
                                            self->limits.account_failures, now_ms, &locked_ms);
      failures = record->failures;
    }
  if (address != NULL)
    {
      /* Not inside MAX (): it would count the failure twice. */
      const Record *record = count_failure (self, self->addresses, address,
                                            self->limits.address_failures, now_ms, &locked_ms);
      failures = MAX (failures, record->failures);
    }
  if (out_locked_ms != NULL)
    *out_locked_ms = locked_ms;

  /* first_delay, doubled per failure after the first, capped; the shift is bounded so it cannot
   * overflow. */
  delay = self->limits.first_delay_ms << MIN (failures > 0 ? failures - 1 : 0, 16u);
  return MIN (delay, self->limits.max_delay_ms);
}

void
sb_sign_in_throttle_success (SbSignInThrottle *self, const char *username)
{
  g_return_if_fail (SB_IS_SIGN_IN_THROTTLE (self));

  if (username != NULL)
    g_hash_table_remove (self->accounts, username);
}

guint
sb_sign_in_throttle_count_locked_accounts (SbSignInThrottle *self, gint64 now_ms)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (SB_IS_SIGN_IN_THROTTLE (self), 0);

  g_hash_table_iter_init (&iter, self->accounts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Record *) value)->locked_until_ms > now_ms)
      n++;
  return n;
}
