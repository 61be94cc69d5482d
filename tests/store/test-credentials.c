/* test-credentials.c: password hashes (Argon2id), session tokens and usernames
 * (server/store/sb-credentials.c). */
#include <string.h>

#include "sb-credentials.h"

static void
test_password_hash (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = sb_password_hash ("correct horse battery staple", &error);
  g_autofree char *again = sb_password_hash ("correct horse battery staple", &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  /* The hash never contains the password, and each hash has its own salt. */
  g_assert_null (strstr (hash, "correct horse"));
  g_assert_cmpstr (hash, !=, again);

  g_assert_true (sb_password_verify (hash, "correct horse battery staple"));
  g_assert_true (sb_password_verify (again, "correct horse battery staple"));
  g_assert_false (sb_password_verify (hash, "correct horse battery stapl"));
  g_assert_false (sb_password_verify (hash, ""));
  g_assert_false (sb_password_verify (NULL, "x"));
  g_assert_false (sb_password_verify ("", "x"));
  g_assert_false (sb_password_verify ("$argon2id$v=19$garbage", "x"));

  /* Any byte string is a password, UTF-8 included. */
  g_autofree char *utf8 = sb_password_hash ("p\xc3\xa9 \"'\\", &error);
  g_assert_no_error (error);
  g_assert_true (sb_password_verify (utf8, "p\xc3\xa9 \"'\\"));
  g_assert_false (sb_password_verify (utf8, "pe \"'\\"));
}

static void
test_password_generate (void)
{
  g_autofree char *one = sb_password_generate ();
  g_autofree char *two = sb_password_generate ();

  g_assert_cmpuint (strlen (one), ==, 20);
  g_assert_cmpstr (one, !=, two);
  for (const char *p = one; *p != '\0'; p++)
    g_assert_true (g_ascii_isalnum (*p));
}

static void
test_session_token (void)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 200; i++)
    {
      char *token = sb_session_token_new ();

      g_assert_true (g_str_has_prefix (token, SB_SESSION_TOKEN_PREFIX));
      /* 32 bytes in unpadded base64url: 43 characters. */
      g_assert_cmpuint (strlen (token), ==, strlen (SB_SESSION_TOKEN_PREFIX) + 43);
      for (const char *p = token + strlen (SB_SESSION_TOKEN_PREFIX); *p != '\0'; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
      g_assert_true (g_hash_table_add (seen, token));
    }

  g_autofree char *hash = sb_session_token_hash ("sbt_abc");
  g_autofree char *same = sb_session_token_hash ("sbt_abc");
  g_autofree char *other = sb_session_token_hash ("sbt_abd");
  g_assert_cmpuint (strlen (hash), ==, 64);
  g_assert_cmpstr (hash, ==, same);
  g_assert_cmpstr (hash, !=, other);
  /* SHA-256 of "abc", the FIPS 180-2 example, to pin the function. */
  g_autofree char *abc = sb_session_token_hash ("abc");
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_username (void)
{
  static const char *const good[] = { "anna", "a", "box-office.2", "j_smith", "0desk", NULL };
  static const char *const bad[]
      = { "", "Anna", "anna smith", "-anna", ".anna", "anna\"", "anna\n", "\xc3\xa9mile", NULL };

  for (guint i = 0; good[i] != NULL; i++)
    g_assert_true (sb_username_is_valid (good[i]));
  for (guint i = 0; bad[i] != NULL; i++)
    g_assert_false (sb_username_is_valid (bad[i]));
  g_assert_false (sb_username_is_valid (NULL));

  g_autofree char *longest = g_strnfill (64, 'a');
  g_autofree char *too_long = g_strnfill (65, 'a');
  g_assert_true (sb_username_is_valid (longest));
  g_assert_false (sb_username_is_valid (too_long));
}

static void
test_secret_free (void)
{
  g_auto (SbSecret) secret = g_strdup ("hunter2");

  g_assert_cmpstr (secret, ==, "hunter2");
  sb_secret_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_assert_true (sb_credentials_init (NULL));
  g_test_add_func ("/credentials/password-hash", test_password_hash);
  g_test_add_func ("/credentials/password-generate", test_password_generate);
  g_test_add_func ("/credentials/session-token", test_session_token);
  g_test_add_func ("/credentials/username", test_username);
  g_test_add_func ("/credentials/secret-free", test_secret_free);
  return g_test_run ();
}
