/* test-sign-in-refusal.c: the sign-in page's words for each refusal (no display needed). */
#include "config.h"

#include <string.h>

#include "sb-sign-in-page.h"

static void
test_refusals (void)
{
  g_autofree char *bad = sb_sign_in_page_describe_refusal ("bad_credentials", 0);
  g_autofree char *locked = sb_sign_in_page_describe_refusal ("locked", 14 * 60000 + 1);
  g_autofree char *locked_one = sb_sign_in_page_describe_refusal ("locked", 1);
  g_autofree char *locked_unknown = sb_sign_in_page_describe_refusal ("locked", 0);
  g_autofree char *disabled = sb_sign_in_page_describe_refusal ("disabled", 0);
  g_autofree char *expired = sb_sign_in_page_describe_refusal ("expired", 0);
  g_autofree char *revoked = sb_sign_in_page_describe_refusal ("revoked", 0);
  g_autofree char *required = sb_sign_in_page_describe_refusal ("required", 0);
  g_autofree char *future = sb_sign_in_page_describe_refusal ("some_new_reason", 0);
  g_autofree char *unavailable = sb_sign_in_page_describe_refusal ("unavailable", 0);
  g_autofree char *busy = sb_sign_in_page_describe_refusal ("rate_limited", 1000);

  g_assert_cmpstr (bad, ==, "Wrong username or password.");
  /* The time left, rounded up to whole minutes. */
  g_assert_nonnull (strstr (locked, "Try again in 15 minutes."));
  g_assert_nonnull (strstr (locked_one, "Try again in 1 minute."));
  g_assert_null (strstr (locked_unknown, "Try again in"));
  g_assert_nonnull (strstr (locked_unknown, "locked"));
  g_assert_nonnull (strstr (disabled, "disabled"));
  g_assert_nonnull (strstr (expired, "expired"));
  g_assert_nonnull (strstr (revoked, "signed out"));
  g_assert_cmpstr (required, ==, "Please sign in.");
  g_assert_cmpstr (future, ==, "Please sign in.");
  /* Not a refusal: the app tries again by itself (review finding 4). */
  g_assert_nonnull (strstr (unavailable, "Trying again"));
  g_assert_nonnull (strstr (busy, "Trying again"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sign-in/refusals", test_refusals);
  return g_test_run ();
}
