/* keyring-test-util.h: what the tests that run under `with-keyring` share (test-token-store,
 * test-session): waiting for an asynchronous call, reading the keyring, and the check that a
 * Secret Service is on the bus. */
#pragma once

#include <gio/gio.h>

#include "sb-token-store.h"

/* One asynchronous call's result, waited for on the default main context. */
typedef struct
{
  gboolean done;
  GAsyncResult *result;
} KeyringTestWait;

static inline void
keyring_test_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  KeyringTestWait *wait = data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

/* The result (transfer full) once keyring_test_done_cb () ran. */
static inline GAsyncResult *
keyring_test_wait_for (KeyringTestWait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

/* The token the keyring holds for username on server, or NULL. */
static inline char *
keyring_test_lookup (const char *server, const char *username)
{
  KeyringTestWait wait = { 0 };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  char *token;

  sb_token_store_lookup_async (server, username, NULL, keyring_test_done_cb, &wait);
  result = keyring_test_wait_for (&wait);
  token = sb_token_store_lookup_finish (result, &error);
  g_assert_no_error (error);
  return token;
}

/* TRUE when org.freedesktop.secrets is owned on the session bus. Under with-keyring
 * (SEATBOOK_TEST_KEYRING set) a missing one is a failure, not a skip: the keyring did not come
 * up. Otherwise FALSE after printing the TAP skip line: the caller returns 77. */
static inline gboolean
keyring_test_have_secret_service (void)
{
  g_autoptr (GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr (GVariant) owner = NULL;

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
      return FALSE;
    }
  return TRUE;
}
