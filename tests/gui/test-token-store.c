/* test-token-store.c: the session token through libsecret, against a real Secret Service.
 *
 * Run by meson under `dbus-run-session -- with-keyring`: a private gnome-keyring, unlocked, on a
 * private bus. Without a Secret Service on the bus the test is skipped (exit 77 via g_test_skip).
 */
#include "config.h"

#include "keyring-test-util.h"

static void
save (const char *server, const char *username, const char *token)
{
  KeyringTestWait wait = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  sb_token_store_save_async (server, username, token, NULL, keyring_test_done_cb, &wait);
  result = keyring_test_wait_for (&wait);
  g_assert_true (sb_token_store_save_finish (result, &error));
  g_assert_no_error (error);
}

static void
clear (const char *server, const char *username)
{
  KeyringTestWait wait = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  sb_token_store_clear_async (server, username, NULL, keyring_test_done_cb, &wait);
  result = keyring_test_wait_for (&wait);
  g_assert_true (sb_token_store_clear_finish (result, &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  const char *a = "wss://a.example:8443/ws";
  const char *b = "ws://127.0.0.1:8080/ws";
  g_autofree char *none = NULL;
  g_autofree char *anna_a = NULL;
  g_autofree char *anna_b = NULL;
  g_autofree char *ben_a = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *kept = NULL;

  none = keyring_test_lookup (a, "anna");
  g_assert_null (none);

  save (a, "anna", "sbt_anna_on_a");
  save (b, "anna", "sbt_anna_on_b");
  save (a, "ben", "sbt_ben_on_a");

  /* Both attributes select: the same user on another server, or another user, is another token. */
  anna_a = keyring_test_lookup (a, "anna");
  anna_b = keyring_test_lookup (b, "anna");
  ben_a = keyring_test_lookup (a, "ben");
  g_assert_cmpstr (anna_a, ==, "sbt_anna_on_a");
  g_assert_cmpstr (anna_b, ==, "sbt_anna_on_b");
  g_assert_cmpstr (ben_a, ==, "sbt_ben_on_a");

  /* Signing in again replaces the token rather than adding a second one. */
  save (a, "anna", "sbt_anna_new");
  replaced = keyring_test_lookup (a, "anna");
  g_assert_cmpstr (replaced, ==, "sbt_anna_new");

  /* Sign out clears exactly one entry; clearing it again is not an error. */
  clear (a, "anna");
  clear (a, "anna");
  gone = keyring_test_lookup (a, "anna");
  kept = keyring_test_lookup (a, "ben");
  g_assert_null (gone);
  g_assert_cmpstr (kept, ==, "sbt_ben_on_a");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!keyring_test_have_secret_service ())
    return 77;

  g_test_add_func ("/token-store/round-trip", test_round_trip);
  return g_test_run ();
}
