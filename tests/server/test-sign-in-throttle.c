/* test-sign-in-throttle.c: failed sign-ins slowed, counted per account and per address, locked
 * out and let in again (server/sb-sign-in-throttle.c). The clock is passed in: no sleeping. */
#include <string.h>

#include "sb-metrics.h"
#include "sb-sign-in-throttle.h"

static SbSignInThrottle *
new_throttle (void)
{
  SbSignInLimits limits;

  sb_sign_in_limits_init_default (&limits);
  return sb_sign_in_throttle_new (&limits);
}

static void
test_delays_grow_and_cap (void)
{
  g_autoptr (SbSignInThrottle) throttle = NULL;
  SbSignInLimits limits;
  const gint64 expected[] = { 250, 500, 1000, 2000, 2000, 2000 };

  sb_sign_in_limits_init_default (&limits);
  limits.account_failures = 100; /* no lock in this test */
  throttle = sb_sign_in_throttle_new (&limits);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      gint64 locked = -1;

      g_assert_cmpint (
          sb_sign_in_throttle_failure (throttle, "anna", "10.0.0.1", 1000 + i, &locked), ==,
          expected[i]);
      g_assert_cmpint (locked, ==, 0);
    }
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, "anna", "10.0.0.1", 2000), ==, 0);
}

static void
test_account_lockout_and_end (void)
{
  g_autoptr (SbSignInThrottle) throttle = new_throttle ();
  const gint64 lock_ms = 15 * 60 * 1000;
  gint64 now = 1000000, locked = 0;

  for (guint i = 0; i < 4; i++)
    {
      sb_sign_in_throttle_failure (throttle, "anna", "10.0.0.1", now + i, &locked);
      g_assert_cmpint (locked, ==, 0);
      g_assert_cmpint (sb_sign_in_throttle_check (throttle, "anna", "10.0.0.2", now + i), ==, 0);
    }
  /* The fifth failure within 15 minutes locks the account, whatever the address. */
  sb_sign_in_throttle_failure (throttle, "anna", "10.0.0.1", now + 4, &locked);
  g_assert_cmpint (locked, ==, lock_ms);
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, "anna", "10.9.9.9", now + 4), ==, lock_ms);
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, "anna", NULL, now + 1004), ==,
                   lock_ms - 1000);
  g_assert_cmpuint (sb_sign_in_throttle_count_locked_accounts (throttle, now + 5), ==, 1);
  /* Another account from the same address is not locked (4 < 20 address failures). */
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, "bert", "10.0.0.1", now + 5), ==, 0);

  /* The lock ends; the count starts afresh. */
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, "anna", "10.0.0.1", now + 4 + lock_ms), ==,
                   0);
  g_assert_cmpuint (sb_sign_in_throttle_count_locked_accounts (throttle, now + 4 + lock_ms), ==, 0);
  sb_sign_in_throttle_failure (throttle, "anna", "10.0.0.1", now + 5 + lock_ms, &locked);
  g_assert_cmpint (locked, ==, 0);
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, "anna", NULL, now + 6 + lock_ms), ==, 0);
}

/* What the authenticator lets run at once (review finding 2): the failures still allowed, 0 when
 * locked, and all of them again once the window or the lock has passed. */
static void
test_failures_left (void)
{
  g_autoptr (SbSignInThrottle) throttle = new_throttle ();
  const gint64 window = 15 * 60 * 1000;
  guint account_left = 0, address_left = 0;
  gint64 locked = 0;

  sb_sign_in_throttle_failures_left (throttle, "anna", "10.0.0.1", 1000, &account_left,
                                     &address_left);
  g_assert_cmpuint (account_left, ==, 5);
  g_assert_cmpuint (address_left, ==, 20);
  sb_sign_in_throttle_failures_left (throttle, NULL, "10.0.0.1", 1000, &account_left,
                                     &address_left);
  g_assert_cmpuint (account_left, ==, G_MAXUINT);

  for (guint i = 0; i < 3; i++)
    sb_sign_in_throttle_failure (throttle, "anna", "10.0.0.1", 1000 + i, &locked);
  sb_sign_in_throttle_failures_left (throttle, "anna", "10.0.0.1", 1010, &account_left,
                                     &address_left);
  g_assert_cmpuint (account_left, ==, 2);
  g_assert_cmpuint (address_left, ==, 17);
  /* The window passes: all of them again. */
  sb_sign_in_throttle_failures_left (throttle, "anna", "10.0.0.1", 1000 + window, &account_left,
                                     &address_left);
  g_assert_cmpuint (account_left, ==, 5);
  g_assert_cmpuint (address_left, ==, 20);

  for (guint i = 0; i < 2; i++)
    sb_sign_in_throttle_failure (throttle, "anna", "10.0.0.1", 1003 + i, &locked);
  g_assert_cmpint (locked, >, 0);
  sb_sign_in_throttle_failures_left (throttle, "anna", "10.0.0.1", 1010, &account_left,
                                     &address_left);
  g_assert_cmpuint (account_left, ==, 0);
  g_assert_cmpuint (address_left, ==, 15);
  sb_sign_in_throttle_failures_left (throttle, "anna", "10.0.0.1", 1004 + window, &account_left,
                                     &address_left);
  g_assert_cmpuint (account_left, ==, 5);
}

typedef struct
{
  SbSignInThrottle *throttle;
  gint64 now_ms;
} GaugeClock;

static guint
count_locked (gpointer user_data)
{
  GaugeClock *clock = user_data;

  return sb_sign_in_throttle_count_locked_accounts (clock->throttle, clock->now_ms);
}

/* seatbook_accounts_locked is counted when /metrics is rendered, so it falls when a lock ends by
 * itself, with no failure after it (review finding 11: it was set only at failures). */
static void
test_locked_gauge_follows_the_clock (void)
{
  g_autoptr (SbSignInThrottle) throttle = new_throttle ();
  g_autoptr (SbMetrics) metrics = sb_metrics_new ();
  GaugeClock clock = { throttle, 1000 };
  SbStoreWorkerStats stats;
  gint64 locked = 0;

  memset (&stats, 0, sizeof stats);
  sb_metrics_set_accounts_locked_func (metrics, count_locked, &clock);
  for (guint i = 0; i < 5; i++)
    sb_sign_in_throttle_failure (throttle, "anna", NULL, clock.now_ms + i, &locked);
  g_assert_cmpint (locked, >, 0);
  {
    g_autofree char *text = sb_metrics_render (metrics, &stats);

    g_assert_nonnull (strstr (text, "\nseatbook_accounts_locked 1\n"));
  }
  clock.now_ms += 15 * 60 * 1000 + 10;
  {
    g_autofree char *text = sb_metrics_render (metrics, &stats);

    g_assert_nonnull (strstr (text, "\nseatbook_accounts_locked 0\n"));
  }
  sb_metrics_set_accounts_locked_func (metrics, NULL, NULL);
}

static void
test_window_forgets (void)
{
  g_autoptr (SbSignInThrottle) throttle = new_throttle ();
  const gint64 window = 15 * 60 * 1000;
  gint64 locked = 0;

  for (guint i = 0; i < 4; i++)
    sb_sign_in_throttle_failure (throttle, "anna", NULL, 1000 + i, &locked);
  /* A failure after the window has passed counts as the first again. */
  g_assert_cmpint (sb_sign_in_throttle_failure (throttle, "anna", NULL, 1000 + window, &locked), ==,
                   250);
  g_assert_cmpint (locked, ==, 0);
}

static void
test_success_clears_account_not_address (void)
{
  g_autoptr (SbSignInThrottle) throttle = NULL;
  SbSignInLimits limits;
  gint64 locked = 0;

  sb_sign_in_limits_init_default (&limits);
  limits.address_failures = 6;
  throttle = sb_sign_in_throttle_new (&limits);
  for (guint i = 0; i < 4; i++)
    sb_sign_in_throttle_failure (throttle, "anna", "10.0.0.1", 1000 + i, &locked);
  sb_sign_in_throttle_success (throttle, "anna");
  /* The account starts afresh… */
  g_assert_cmpint (sb_sign_in_throttle_failure (throttle, "anna", NULL, 2000, &locked), ==, 250);
  /* …the address does not: two more from it reach its limit of 6, whatever the username. */
  sb_sign_in_throttle_failure (throttle, "carl", "10.0.0.1", 2001, &locked);
  g_assert_cmpint (locked, ==, 0);
  sb_sign_in_throttle_failure (throttle, "dora", "10.0.0.1", 2002, &locked);
  g_assert_cmpint (locked, ==, limits.lockout_ms);
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, "erik", "10.0.0.1", 2003), ==,
                   limits.lockout_ms - 1);
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, "erik", "10.0.0.2", 2003), ==, 0);
  /* An address lock is not an account lock. */
  g_assert_cmpuint (sb_sign_in_throttle_count_locked_accounts (throttle, 2003), ==, 0);
}

static void
test_many_addresses_bounded (void)
{
  g_autoptr (SbSignInThrottle) throttle = new_throttle ();
  const gint64 window = 15 * 60 * 1000;

  /* Far more addresses than the prune threshold, each failing once, over several windows: old
   * entries are dropped and nothing is locked. */
  for (guint i = 0; i < 20000; i++)
    {
      g_autofree char *address = g_strdup_printf ("10.%u.%u.%u", i >> 16, (i >> 8) & 255, i & 255);
      sb_sign_in_throttle_failure (throttle, NULL, address, (gint64) i * (window / 1000), NULL);
    }
  g_assert_cmpint (sb_sign_in_throttle_check (throttle, NULL, "10.0.0.5", 20000 * window), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sign-in-throttle/delays", test_delays_grow_and_cap);
  g_test_add_func ("/sign-in-throttle/account-lockout", test_account_lockout_and_end);
  g_test_add_func ("/sign-in-throttle/window", test_window_forgets);
  g_test_add_func ("/sign-in-throttle/failures-left", test_failures_left);
  g_test_add_func ("/sign-in-throttle/locked-gauge", test_locked_gauge_follows_the_clock);
  g_test_add_func ("/sign-in-throttle/success", test_success_clears_account_not_address);
  g_test_add_func ("/sign-in-throttle/many-addresses", test_many_addresses_bounded);
  return g_test_run ();
}
