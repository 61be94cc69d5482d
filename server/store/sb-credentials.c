/* sb-credentials.c: password hashes, session tokens and usernames (sb-credentials.h). */
#include "sb-credentials.h"

#include <gio/gio.h>
#include <sodium.h>
#include <string.h>

#include "sb-protocol.h"

gboolean
sb_credentials_init (GError **error)
{
  /* 0: initialised now, 1: already was; -1: no usable random source. */
  if (sodium_init () < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "libsodium could not be initialised (no random source?)");
      return FALSE;
    }
  return TRUE;
}

char *
sb_password_hash (const char *password, GError **error)
{
  char hash[crypto_pwhash_STRBYTES];

  g_return_val_if_fail (password != NULL, NULL);

  if (!sb_credentials_init (error))
    return NULL;
  if (crypto_pwhash_str (hash, password, strlen (password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE)
      != 0)
    {
      /* The only failure is the memory limit not being available. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                           "not enough memory to hash a password");
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
sb_password_verify (const char *hash, const char *password)
{
  g_return_val_if_fail (password != NULL, FALSE);

  if (hash == NULL || sodium_init () < 0)
    return FALSE;
  /* crypto_pwhash_str_verify reads up to crypto_pwhash_STRBYTES: a shorter stored string must
   * not be read past its end. */
  if (strnlen (hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
    return FALSE;

  char buffer[crypto_pwhash_STRBYTES] = { 0 };
  memcpy (buffer, hash, strlen (hash));
  return crypto_pwhash_str_verify (buffer, password, strlen (password)) == 0;
}

char *
sb_password_generate (void)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  char *password = g_malloc (21);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  for (guint i = 0; i < 20; i++)
    /* randombytes_uniform has no modulo bias. */
    password[i] = alphabet[randombytes_uniform (sizeof alphabet - 1)];
  password[20] = '\0';
  return password;
}

char *
sb_session_token_new (void)
{
  guint8 bytes[SB_SESSION_TOKEN_BYTES];
  char encoded[sodium_base64_ENCODED_LEN (SB_SESSION_TOKEN_BYTES,
                                          sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (encoded, sizeof encoded, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);

  char *token = g_strconcat (SB_SESSION_TOKEN_PREFIX, encoded, NULL);
  sodium_memzero (encoded, sizeof encoded);
  return token;
}

char *
sb_session_token_hash (const char *token)
{
  g_return_val_if_fail (token != NULL, NULL);

  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

gboolean
sb_username_is_valid (const char *username)
{
  gsize length;

  if (username == NULL)
    return FALSE;
  length = strlen (username);
  if (length < 1 || length > SB_MAX_USERNAME_LENGTH)
    return FALSE;
  if (!g_ascii_islower (username[0]) && !g_ascii_isdigit (username[0]))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    {
      char c = username[i];

      if (!g_ascii_islower (c) && !g_ascii_isdigit (c) && c != '.' && c != '_' && c != '-')
        return FALSE;
    }
  return TRUE;
}

void
sb_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  sodium_memzero (secret, strlen (secret));
  g_free (secret);
}
