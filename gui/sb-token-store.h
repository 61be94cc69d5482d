/* sb-token-store.h: the remembered session token, in the user's keyring (libsecret).
 *
 * "Remember me" keeps the server's session token, never the password, under the schema
 * org.seatbook.Seatbook.Token with the attributes `server` (the WebSocket URL) and `username`.
 * It is never written to GSettings or a file: the keyring encrypts it and locks it with the
 * session. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void sb_token_store_save_async (const char *server,
                                const char *username,
                                const char *token,
                                GCancellable *cancellable,
                                GAsyncReadyCallback callback,
                                gpointer user_data);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_token_store_save_finish (GAsyncResult *result, GError **error);

/* Finishes with the token, or NULL and no error when none is stored. */
void sb_token_store_lookup_async (const char *server,
                                  const char *username,
                                  GCancellable *cancellable,
                                  GAsyncReadyCallback callback,
                                  gpointer user_data);
G_GNUC_WARN_UNUSED_RESULT
char *sb_token_store_lookup_finish (GAsyncResult *result, GError **error);

/* Removes the token of username on server; removing nothing is not an error. */
void sb_token_store_clear_async (const char *server,
                                 const char *username,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer user_data);
G_GNUC_WARN_UNUSED_RESULT
gboolean sb_token_store_clear_finish (GAsyncResult *result, GError **error);

G_END_DECLS
