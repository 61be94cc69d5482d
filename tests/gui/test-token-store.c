/* test-token-store.c: the session token through libsecret, against a real Secret Service.
 *
 * Run by meson under `dbus-run-session -- with-keyring`: a private gnome-keyring, unlocked, on a
 * private bus. Without a Secret Service on the bus the test is skipped (exit 77 via g_test_skip).
 */
#include "config.h"

#include <gio/gio.h>

#include "sb-token-store.h"

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Wait *wait = data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

static char *
lookup (const char *server, const char *username)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait wait = { loop, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  char *token;

  sb_token_store_lookup_async (server, username, NULL, done_cb, &wait);
  result = wait_for (&wait);
  token = sb_token_store_lookup_finish (result, &error);
  g_assert_no_error (error);
  return token;
}

static void
save (const char *server, const char *username, const char *token)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait wait = { loop, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  sb_token_store_save_async (server, username, token, NULL, done_cb, &wait);
  result = wait_for (&wait);
  g_assert_true (sb_token_store_save_finish (result, &error));
  g_assert_no_error (error);
}

static void
clear (const char *server, const char *username)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  Wait wait = { loop, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;

  sb_token_store_clear_async (server, username, NULL, done_cb, &wait);
  result = wait_for (&wait);
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

  none = lookup (a, "anna");
  g_assert_null (none);

  save (a, "anna", "sbt_anna_on_a");
  save (b, "anna", "sbt_anna_on_b");
  save (a, "ben", "sbt_ben_on_a");

  /* Both attributes select: the same user on another server, or another user, is another token. */
  anna_a = lookup (a, "anna");
  anna_b = lookup (b, "anna");
  ben_a = lookup (a, "ben");
  g_assert_cmpstr (anna_a, ==, "sbt_anna_on_a");
  g_assert_cmpstr (anna_b, ==, "sbt_anna_on_b");
  g_assert_cmpstr (ben_a, ==, "sbt_ben_on_a");

  /* Signing in again replaces the token rather than adding a second one. */
  save (a, "anna", "sbt_anna_new");
  replaced = lookup (a, "anna");
  g_assert_cmpstr (replaced, ==, "sbt_anna_new");

  /* Sign out clears exactly one entry; clearing it again is not an error. */
  clear (a, "anna");
  clear (a, "anna");
  gone = lookup (a, "anna");
  kept = lookup (a, "ben");
  g_assert_null (gone);
  g_assert_cmpstr (kept, ==, "sbt_ben_on_a");
}

int
main (int argc, char **argv)
{
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GVariant) owner = NULL;

  g_test_init (&argc, &argv, NULL);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  if (bus != NULL)
    owner = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                         "org.freedesktop.DBus", "GetNameOwner",
                                         g_variant_new ("(s)", "org.freedesktop.secrets"), NULL,
                                         G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (owner == NULL && g_getenv ("SEATBOOK_TEST_KEYRING") != NULL)
    g_error ("with-keyring started no Secret Service");
  if (owner == NULL)
    {
      g_print ("1..0 # SKIP no Secret Service on the session bus\n");
      return 77;
    }

  g_test_add_func ("/token-store/round-trip", test_round_trip);
  return g_test_run ();
}
