/* sb-credentials.h: the secrets of accounts (issue 10): password hashes, session tokens and
 * usernames. Shared by the store (which keeps only hashes), the server's sign-in and the
 * `seatbook-server user …` subcommands.
 *
 * Passwords are hashed with Argon2id (libsodium's crypto_pwhash_str, the "interactive" limits:
 * about 64 MiB and a few tens of ms per hash, so never call sb_password_hash () or
 * sb_password_verify () on the main loop). Session tokens are 32 random bytes, "sbt_" + base64url;
 * the store keeps only their SHA-256, which is cheap to compute per sign-in and useless to a reader
 * of the database. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SB_SESSION_TOKEN_PREFIX "sbt_"
#define SB_SESSION_TOKEN_BYTES 32

/* Initialises libsodium (thread-safe, idempotent). FALSE when the library cannot be used. */
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_credentials_init (GError **error);

/* An Argon2id hash string ("$argon2id$v=19$m=…"), self-describing (salt and limits included). */
G_GNUC_WARN_UNUSED_RESULT
char *sb_password_hash (const char *password, GError **error);
/* TRUE when @password matches @hash. Constant-time in the password; FALSE for a malformed hash. */
gboolean sb_password_verify (const char *hash, const char *password);

/* A password of 20 characters from a 62-letter alphabet (~119 bits), for `user add` without a
 * password and the first admin of ./run-seatbook. */
char *sb_password_generate (void);

/* A new session token: "sbt_" + base64url (no padding) of SB_SESSION_TOKEN_BYTES random bytes. */
char *sb_session_token_new (void);
/* The lowercase hex SHA-256 of @token: what the store keeps and looks tokens up by. */
char *sb_session_token_hash (const char *token);

/* Usernames: 1-64 characters of [a-z0-9._-], starting with a letter or digit (they appear in
 * logs, CSV and the audit trail, so no spaces, quotes or capitals to confuse anyone). */
gboolean sb_username_is_valid (const char *username);

/* Overwrites @secret and frees it; NULL is allowed. g_auto (SbSecret) does it at scope exit. */
void sb_secret_free (char *secret);

typedef char *SbSecret;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (SbSecret, sb_secret_free, NULL)

G_END_DECLS
