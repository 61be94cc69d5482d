/* test-role.c: the app's mirror of the roles and its sign-in refusal texts (no display). */
#include "config.h"

#include <string.h>

#include "sb-role.h"

static void
test_role_names (void)
{
  const char *const names[] = { "viewer", "clerk", "manager", "admin" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      SbRole role = sb_role_from_string (names[i]);

      g_assert_cmpint (role, ==, SB_ROLE_VIEWER + i);
      g_assert_cmpstr (sb_role_to_string (role), ==, names[i]);
      g_assert_nonnull (sb_role_get_title (role));
    }
  g_assert_cmpint (sb_role_from_string (NULL), ==, SB_ROLE_NONE);
  g_assert_cmpint (sb_role_from_string ("root"), ==, SB_ROLE_NONE);
  g_assert_cmpint (sb_role_from_string ("Clerk"), ==, SB_ROLE_NONE);
  g_assert_null (sb_role_to_string (SB_ROLE_NONE));
}

static void
test_role_allows (void)
{
  /* The matrix of docs/protocol.md: viewer sees, clerk sells, manager also audits. */
  g_assert_false (sb_role_allows (SB_ROLE_VIEWER, SB_ROLE_ACTION_HOLD));
  g_assert_false (sb_role_allows (SB_ROLE_VIEWER, SB_ROLE_ACTION_AUDIT));
  g_assert_true (sb_role_allows (SB_ROLE_CLERK, SB_ROLE_ACTION_HOLD));
  g_assert_false (sb_role_allows (SB_ROLE_CLERK, SB_ROLE_ACTION_AUDIT));
  g_assert_true (sb_role_allows (SB_ROLE_MANAGER, SB_ROLE_ACTION_HOLD));
  g_assert_true (sb_role_allows (SB_ROLE_MANAGER, SB_ROLE_ACTION_AUDIT));
  g_assert_true (sb_role_allows (SB_ROLE_ADMIN, SB_ROLE_ACTION_AUDIT));
  /* No account (a server without accounts): the server decides. */
  g_assert_true (sb_role_allows (SB_ROLE_NONE, SB_ROLE_ACTION_HOLD));
  g_assert_true (sb_role_allows (SB_ROLE_NONE, SB_ROLE_ACTION_AUDIT));

  g_assert_nonnull (sb_role_get_refusal (SB_ROLE_VIEWER, SB_ROLE_ACTION_HOLD));
  g_assert_nonnull (sb_role_get_refusal (SB_ROLE_CLERK, SB_ROLE_ACTION_AUDIT));
  g_assert_null (sb_role_get_refusal (SB_ROLE_CLERK, SB_ROLE_ACTION_HOLD));
  g_assert_null (sb_role_get_refusal (SB_ROLE_MANAGER, SB_ROLE_ACTION_AUDIT));
}

static void
test_refusals (void)
{
  g_autofree char *bad = sb_sign_in_refusal_describe ("bad_credentials", 0);
  g_autofree char *locked = sb_sign_in_refusal_describe ("locked", 14 * 60000 + 1);
  g_autofree char *locked_one = sb_sign_in_refusal_describe ("locked", 1);
  g_autofree char *disabled = sb_sign_in_refusal_describe ("disabled", 0);
  g_autofree char *expired = sb_sign_in_refusal_describe ("expired", 0);
  g_autofree char *revoked = sb_sign_in_refusal_describe ("revoked", 0);
  g_autofree char *other = sb_sign_in_refusal_describe ("required", 0);

  g_assert_cmpstr (bad, ==, "Wrong username or password.");
  /* The time left, rounded up. */
  g_assert_nonnull (strstr (locked, "15 minutes"));
  g_assert_nonnull (strstr (locked_one, "1 minute."));
  g_assert_nonnull (strstr (disabled, "disabled"));
  g_assert_nonnull (strstr (expired, "expired"));
  g_assert_nonnull (strstr (revoked, "signed out"));
  g_assert_cmpstr (other, ==, "Please sign in.");
  /* Every reason reads differently. */
  g_assert_cmpstr (bad, !=, disabled);
  g_assert_cmpstr (expired, !=, revoked);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/role/names", test_role_names);
  g_test_add_func ("/role/allows", test_role_allows);
  g_test_add_func ("/role/refusals", test_refusals);
  return g_test_run ();
}
