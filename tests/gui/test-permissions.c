/* test-permissions.c: the app's mirror of the roles (no display). */
#include "config.h"

#include "sb-permissions.h"

static void
test_matrix (void)
{
  /* docs/protocol.md: viewer sees, clerk sells, manager also audits, admin all of it. */
  g_assert_false (sb_permission_granted ("viewer", SB_PERMISSION_SELL));
  g_assert_false (sb_permission_granted ("viewer", SB_PERMISSION_AUDIT));
  g_assert_true (sb_permission_granted ("clerk", SB_PERMISSION_SELL));
  g_assert_false (sb_permission_granted ("clerk", SB_PERMISSION_AUDIT));
  g_assert_true (sb_permission_granted ("manager", SB_PERMISSION_SELL));
  g_assert_true (sb_permission_granted ("manager", SB_PERMISSION_AUDIT));
  g_assert_true (sb_permission_granted ("admin", SB_PERMISSION_SELL));
  g_assert_true (sb_permission_granted ("admin", SB_PERMISSION_AUDIT));
  g_assert_false (sb_permission_granted ("viewer", SB_PERMISSION_FIND_BOOKINGS));
  g_assert_true (sb_permission_granted ("clerk", SB_PERMISSION_FIND_BOOKINGS));
  g_assert_false (sb_permission_granted ("clerk", SB_PERMISSION_REPORTS));
  g_assert_true (sb_permission_granted ("manager", SB_PERMISSION_REPORTS));
  g_assert_true (sb_permission_granted (NULL, SB_PERMISSION_REPORTS));
  g_assert_cmpstr (sb_permission_get_refusal ("clerk", SB_PERMISSION_REPORTS), ==,
                   "Only managers can see an event's report");
  g_assert_false (sb_permission_granted ("clerk", SB_PERMISSION_CANCEL));
  g_assert_true (sb_permission_granted ("manager", SB_PERMISSION_CANCEL));
  g_assert_true (sb_permission_granted ("admin", SB_PERMISSION_CANCEL));
  g_assert_nonnull (sb_permission_get_refusal ("viewer", SB_PERMISSION_FIND_BOOKINGS));
  g_assert_nonnull (sb_permission_get_refusal ("clerk", SB_PERMISSION_CANCEL));
  /* Blocking and unblocking seats: managers and admins (docs/protocol.md, "block"). */
  g_assert_false (sb_permission_granted ("viewer", SB_PERMISSION_BLOCK));
  g_assert_false (sb_permission_granted ("clerk", SB_PERMISSION_BLOCK));
  g_assert_true (sb_permission_granted ("manager", SB_PERMISSION_BLOCK));
  g_assert_true (sb_permission_granted ("admin", SB_PERMISSION_BLOCK));
  g_assert_true (sb_permission_granted (NULL, SB_PERMISSION_BLOCK));
  g_assert_false (sb_permission_granted ("clerk", SB_PERMISSION_EVENTS));
  g_assert_true (sb_permission_granted ("manager", SB_PERMISSION_EVENTS));
  g_assert_cmpstr (sb_permission_get_refusal ("clerk", SB_PERMISSION_EVENTS), ==,
                   "Only managers can create events and close sales");
  g_assert_cmpstr (sb_permission_get_refusal ("clerk", SB_PERMISSION_BLOCK), ==,
                   "Only managers can block and unblock seats");
  /* No account (a server without accounts): the server decides. */
  g_assert_true (sb_permission_granted (NULL, SB_PERMISSION_SELL));
  g_assert_true (sb_permission_granted (NULL, SB_PERMISSION_AUDIT));
  /* Overriding the orphan rule: managers and admins, and anyone without accounts (the server
   * lets every desk override then). */
  g_assert_false (sb_permission_granted ("clerk", SB_PERMISSION_OVERRIDE_ORPHAN_RULE));
  g_assert_true (sb_permission_granted ("manager", SB_PERMISSION_OVERRIDE_ORPHAN_RULE));
  g_assert_true (sb_permission_granted ("admin", SB_PERMISSION_OVERRIDE_ORPHAN_RULE));
  g_assert_true (sb_permission_granted (NULL, SB_PERMISSION_OVERRIDE_ORPHAN_RULE));
  g_assert_nonnull (sb_permission_get_refusal ("clerk", SB_PERMISSION_OVERRIDE_ORPHAN_RULE));
  /* An unknown role is offered no more than a viewer. */
  g_assert_false (sb_permission_granted ("auditor", SB_PERMISSION_SELL));
  g_assert_false (sb_permission_granted ("Clerk", SB_PERMISSION_SELL));
}

static void
test_refusals (void)
{
  g_assert_nonnull (sb_permission_get_refusal ("viewer", SB_PERMISSION_SELL));
  g_assert_nonnull (sb_permission_get_refusal ("clerk", SB_PERMISSION_AUDIT));
  g_assert_cmpstr (sb_permission_get_refusal ("viewer", SB_PERMISSION_SELL), !=,
                   sb_permission_get_refusal ("viewer", SB_PERMISSION_AUDIT));
  g_assert_null (sb_permission_get_refusal ("clerk", SB_PERMISSION_SELL));
  g_assert_null (sb_permission_get_refusal ("manager", SB_PERMISSION_AUDIT));
  g_assert_null (sb_permission_get_refusal (NULL, SB_PERMISSION_AUDIT));

  g_assert_cmpstr (sb_permission_get_role_title ("clerk"), ==, "Clerk");
  g_assert_cmpstr (sb_permission_get_role_title ("admin"), ==, "Administrator");
  g_assert_cmpstr (sb_permission_get_role_title ("auditor"), ==, "auditor");
  g_assert_null (sb_permission_get_role_title (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/permissions/matrix", test_matrix);
  g_test_add_func ("/permissions/refusals", test_refusals);
  return g_test_run ();
}
