/* test-session.c: the account and token rules of SbSession, with a real keyring and no server.
 *
 * Run under `dbus-run-session -- with-keyring` (a private, unlocked gnome-keyring); skipped
 * without a Secret Service on the bus. Keyring writes are asynchronous, so what the keyring holds
 * is polled with a deadline, which only stops a hang. */
#include "config.h"

#include "keyring-test-util.h"
#include "sb-session.h"

#define SERVER "ws://127.0.0.1:8080/ws"

/* Polls until the keyring holds expected for username (NULL: nothing). */
static void
assert_keyring_becomes (const char *username, const char *expected)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autofree char *token = keyring_test_lookup (SERVER, username);

      if (g_strcmp0 (token, expected) == 0)
        return;
      if (g_get_monotonic_time () > deadline)
        g_error ("keyring holds %s for %s, expected %s", token, username, expected);
      g_usleep (20000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

static void
restore (SbSession *session, const char *username)
{
  KeyringTestWait wait = { 0 };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  sb_session_restore_async (session, username, NULL, keyring_test_done_cb, &wait);
  result = keyring_test_wait_for (&wait);
  g_assert_true (sb_session_restore_finish (session, result, &error));
  g_assert_no_error (error);
}

static void
assert_credentials (SbSession *session,
                    const char *username,
                    const char *password,
                    const char *token)
{
  const char *u, *p, *t;
  gboolean any = sb_session_get_credentials (session, &u, &p, &t);

  g_assert_cmpint (any, ==, username != NULL || token != NULL);
  g_assert_cmpstr (u, ==, username);
  g_assert_cmpstr (p, ==, password);
  g_assert_cmpstr (t, ==, token);
}

static void
test_remember_across_restart (void)
{
  g_autoptr (SbSession) first = sb_session_new (SERVER);
  g_autoptr (SbSession) second = sb_session_new (SERVER);

  restore (first, "anna");
  g_assert_cmpint (sb_session_get_state (first), ==, SB_SESSION_SIGNED_OUT);
  assert_credentials (first, NULL, NULL, NULL);

  sb_session_begin_sign_in (first, "anna", "correct horse", TRUE);
  g_assert_cmpint (sb_session_get_state (first), ==, SB_SESSION_SIGNING_IN);
  assert_credentials (first, "anna", "correct horse", NULL);

  sb_session_signed_in (first, "anna", "clerk", "sbt_first");
  g_assert_cmpint (sb_session_get_state (first), ==, SB_SESSION_SIGNED_IN);
  g_assert_cmpstr (sb_session_get_username (first), ==, "anna");
  g_assert_cmpstr (sb_session_get_role (first), ==, "clerk");
  /* Reconnects sign in with the token; the password is gone. */
  assert_credentials (first, NULL, NULL, "sbt_first");
  /* The token, never the password, is what the keyring keeps. */
  assert_keyring_becomes ("anna", "sbt_first");

  /* "Restart": a new session finds the token and signs in with it, nobody typing. */
  restore (second, "anna");
  g_assert_cmpint (sb_session_get_state (second), ==, SB_SESSION_SIGNING_IN);
  assert_credentials (second, NULL, NULL, "sbt_first");
  sb_session_signed_in (second, "anna", "clerk", "sbt_first");
  g_assert_cmpstr (sb_session_get_role (second), ==, "clerk");

  /* The server says the token expired: gone from memory and from the keyring. */
  sb_session_refused (second, "expired", 0);
  g_assert_cmpint (sb_session_get_state (second), ==, SB_SESSION_SIGNED_OUT);
  g_assert_cmpstr (sb_session_get_refusal (second), ==, "expired");
  g_assert_null (sb_session_get_username (second));
  g_assert_null (sb_session_get_role (second));
  assert_credentials (second, NULL, NULL, NULL);
  assert_keyring_becomes ("anna", NULL);
}

static void
test_without_remember (void)
{
  g_autoptr (SbSession) session = sb_session_new (SERVER);
  g_autoptr (SbSession) later = sb_session_new (SERVER);

  sb_session_begin_sign_in (session, "ben", "pw-ben", FALSE);
  sb_session_signed_in (session, "ben", "viewer", "sbt_ben");
  /* Still signs in again after a reconnect, from memory. */
  assert_credentials (session, NULL, NULL, "sbt_ben");
  /* A remembered token to compare with proves the keyring was reachable meanwhile. */
  {
    g_autoptr (SbSession) other = sb_session_new (SERVER);

    sb_session_begin_sign_in (other, "carl", "pw-carl", TRUE);
    sb_session_signed_in (other, "carl", "manager", "sbt_carl");
    assert_keyring_becomes ("carl", "sbt_carl");
    sb_session_sign_out (other);
    assert_keyring_becomes ("carl", NULL);
  }
  g_assert_null (keyring_test_lookup (SERVER, "ben"));
  restore (later, "ben");
  g_assert_cmpint (sb_session_get_state (later), ==, SB_SESSION_SIGNED_OUT);
}

static void
test_refusals (void)
{
  g_autoptr (SbSession) session = sb_session_new (SERVER);

  sb_session_begin_sign_in (session, "dora", "wrong", TRUE);
  sb_session_refused (session, "bad_credentials", 0);
  g_assert_cmpint (sb_session_get_state (session), ==, SB_SESSION_SIGNED_OUT);
  g_assert_cmpstr (sb_session_get_refusal (session), ==, "bad_credentials");
  /* The wrong password is not kept for a retry. */
  assert_credentials (session, NULL, NULL, NULL);

  sb_session_begin_sign_in (session, "dora", "wrong", TRUE);
  g_assert_null (sb_session_get_refusal (session));
  sb_session_refused (session, "locked", 840001);
  g_assert_cmpstr (sb_session_get_refusal (session), ==, "locked");
  g_assert_cmpint (sb_session_get_retry_after_ms (session), ==, 840001);
  g_assert_null (keyring_test_lookup (SERVER, "dora"));
}

/* `unavailable` or `rate_limited` to a sign_in: the server decided nothing (its store failing),
 * so neither the typed password nor the remembered token is dropped (review finding 4). */
static void
test_unavailable_keeps_credentials (void)
{
  g_autoptr (SbSession) first = sb_session_new (SERVER);
  g_autoptr (SbSession) later = sb_session_new (SERVER);

  sb_session_begin_sign_in (first, "erin", "typed once", TRUE);
  sb_session_refused (first, "unavailable", 0);
  g_assert_cmpint (sb_session_get_state (first), ==, SB_SESSION_SIGNING_IN);
  g_assert_cmpstr (sb_session_get_refusal (first), ==, "unavailable");
  assert_credentials (first, "erin", "typed once", NULL);
  sb_session_refused (first, "rate_limited", 1000);
  g_assert_cmpint (sb_session_get_retry_after_ms (first), ==, 1000);
  assert_credentials (first, "erin", "typed once", NULL);
  sb_session_signed_in (first, "erin", "clerk", "sbt_erin");
  g_assert_null (sb_session_get_refusal (first));
  assert_keyring_becomes ("erin", "sbt_erin");

  /* The next start signs in with the remembered token; the server cannot check it yet. */
  restore (later, "erin");
  assert_credentials (later, NULL, NULL, "sbt_erin");
  sb_session_refused (later, "unavailable", 0);
  g_assert_cmpint (sb_session_get_state (later), ==, SB_SESSION_SIGNING_IN);
  assert_credentials (later, NULL, NULL, "sbt_erin");
  /* Still remembered: a keyring delete would have run by now (the lookup iterates the loop). */
  assert_keyring_becomes ("erin", "sbt_erin");
  g_usleep (200000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  {
    g_autofree char *token = keyring_test_lookup (SERVER, "erin");

    g_assert_cmpstr (token, ==, "sbt_erin");
  }
}

static void
test_sign_out (void)
{
  g_autoptr (SbSession) session = sb_session_new (SERVER);

  sb_session_begin_sign_in (session, "erik", "pw", TRUE);
  sb_session_signed_in (session, "erik", "admin", "sbt_erik");
  assert_keyring_becomes ("erik", "sbt_erik");
  sb_session_sign_out (session);
  g_assert_cmpint (sb_session_get_state (session), ==, SB_SESSION_SIGNED_OUT);
  g_assert_null (sb_session_get_username (session));
  g_assert_null (sb_session_get_refusal (session));
  assert_credentials (session, NULL, NULL, NULL);
  assert_keyring_becomes ("erik", NULL);

  /* Signing in as someone else replaces the remembered account. */
  sb_session_begin_sign_in (session, "erik", "pw", TRUE);
  sb_session_signed_in (session, "erik", "admin", "sbt_erik2");
  assert_keyring_becomes ("erik", "sbt_erik2");
  sb_session_begin_sign_in (session, "fay", "pw", TRUE);
  sb_session_signed_in (session, "fay", "clerk", "sbt_fay");
  assert_keyring_becomes ("fay", "sbt_fay");
  assert_keyring_becomes ("erik", NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (!keyring_test_have_secret_service ())
    return 77;

  g_test_add_func ("/session/remember-across-restart", test_remember_across_restart);
  g_test_add_func ("/session/without-remember", test_without_remember);
  g_test_add_func ("/session/refusals", test_refusals);
  g_test_add_func ("/session/unavailable-keeps-credentials", test_unavailable_keeps_credentials);
  g_test_add_func ("/session/sign-out", test_sign_out);
  return g_test_run ();
}
