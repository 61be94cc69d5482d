/* sb-mongo-accounts.c: accounts and sessions in the MongoDB store.
 *
 * Single-document writes, outside the booking transactions: an account change is three writes
 * (the account, its sessions, the revision), and a process that dies between them must not leave
 * a session alive that should have ended. So a session also counts as revoked when it began
 * before its account last changed (changed_at): the account write alone is enough to end it, the
 * other two make it visible to servers that poll the revision. Every account change also
 * increments the account's `generation`; a session records the generation its sign-in read and
 * counts as revoked once the account's differs, and a sign-in whose account changed while the
 * password was checked is refused (sb_mongo_sessions_put). The holds and bookings of the
 * placeholder account `legacy` are those without an `account` field; it has no document. */
#include "config.h"

#include "sb-mongo-accounts-private.h"

#include <string.h>

#include "sb-mongo-bson-private.h"

#define META_ACCOUNTS "accounts"

static mongoc_collection_t *
collection (mongoc_client_t *client, const char *db_name, const char *name)
{
  return mongoc_client_get_collection (client, db_name, name);
}

static gboolean
doc_get_bool (const bson_t *doc, const char *key)
{
  bson_iter_t iter;

  return bson_iter_init_find (&iter, doc, key) && bson_iter_as_bool (&iter);
}

/* The first document that matches filter, or NULL (*out_error set only on failure). */
static bson_t *
find_one (mongoc_client_t *client,
          const char *db_name,
          const char *name,
          const bson_t *filter,
          GError **error)
{
  g_autoptr (mongoc_collection_t) coll = collection (client, db_name, name);
  g_autoptr (bson_t) opts = BCON_NEW ("limit", BCON_INT64 (1));
  g_autoptr (mongoc_cursor_t) cursor = mongoc_collection_find_with_opts (coll, filter, opts, NULL);
  const bson_t *doc;
  bson_error_t berror;

  if (mongoc_cursor_next (cursor, &doc))
    return bson_copy (doc);
  if (mongoc_cursor_error (cursor, &berror))
    sb_mongo_set_error (error, &berror, "reading an account");
  return NULL;
}

static SbAccountRecord *
account_from_doc (const bson_t *doc)
{
  SbRole role = SB_ROLE_VIEWER;
  const char *hash = sb_mongo_doc_get_utf8 (doc, "password_hash");
  SbAccountRecord *record;

  if (!sb_role_from_string (sb_mongo_doc_get_utf8 (doc, "role"), &role))
    role = SB_ROLE_VIEWER;
  record = sb_account_record_new (sb_mongo_doc_get_utf8 (doc, "_id"), role, hash,
                                  doc_get_bool (doc, "disabled"),
                                  sb_mongo_doc_get_int64 (doc, "created_at", 0));
  record->generation = sb_mongo_doc_get_int64 (doc, "generation", 0);
  return record;
}

static gboolean
bump_revision (mongoc_client_t *client, const char *db_name, GError **error)
{
  g_autoptr (mongoc_collection_t) coll = collection (client, db_name, "meta");
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (META_ACCOUNTS));
  g_autoptr (bson_t) update = BCON_NEW ("$inc", "{", "revision", BCON_INT64 (1), "}");
  bson_error_t berror;

  /* Update, else insert the first revision; two first bumps at once: the loser updates. */
  for (int attempt = 0; attempt < 2; attempt++)
    {
      g_auto (bson_t) reply = BSON_INITIALIZER;
      g_autoptr (bson_t) first = NULL;

      bson_destroy (&reply);
      if (!mongoc_collection_update_one (coll, filter, update, NULL, &reply, &berror))
        break;
      if (sb_mongo_doc_get_int64 (&reply, "matchedCount", 0) > 0)
        return TRUE;
      first = BCON_NEW ("_id", BCON_UTF8 (META_ACCOUNTS), "revision", BCON_INT64 (1));
      if (mongoc_collection_insert_one (coll, first, NULL, NULL, &berror))
        return TRUE;
      if (!sb_mongo_is_duplicate_key (&berror))
        break;
    }
  sb_mongo_set_error (error, &berror, "bumping the accounts revision");
  return FALSE;
}

static int
compare_usernames (gconstpointer a, gconstpointer b)
{
  const SbAccountRecord *const *ra = a;
  const SbAccountRecord *const *rb = b;

  return strcmp ((*ra)->username, (*rb)->username);
}

gboolean
sb_mongo_accounts_put (mongoc_client_t *client,
                       const char *db_name,
                       const SbAccountRecord *record,
                       gboolean create,
                       gint64 now_ms,
                       GError **error)
{
  g_autoptr (mongoc_collection_t) accounts = collection (client, db_name, "accounts");
  const char *role = sb_role_to_string (record->role);
  bson_error_t berror;

  if (create)
    {
      g_autoptr (bson_t) doc = BCON_NEW (
          "_id", BCON_UTF8 (record->username), "role", BCON_UTF8 (role), "password_hash",
          BCON_UTF8 (record->password_hash), "disabled", BCON_BOOL (record->disabled), "created_at",
          BCON_INT64 (now_ms), "changed_at", BCON_INT64 (now_ms));

      if (g_str_equal (record->username, SB_LEGACY_ACCOUNT))
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS,
                       "The account “%s” exists already", record->username);
          return FALSE;
        }
      if (mongoc_collection_insert_one (accounts, doc, NULL, NULL, &berror))
        return TRUE;
      if (sb_mongo_is_duplicate_key (&berror))
        g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_EXISTS,
                     "The account “%s” exists already", record->username);
      else
        sb_mongo_set_error (error, &berror, "adding an account");
      return FALSE;
    }

  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (record->username));
  g_autoptr (bson_t) update = BCON_NEW (
      "$set", "{", "role", BCON_UTF8 (role), "password_hash", BCON_UTF8 (record->password_hash),
      "disabled", BCON_BOOL (record->disabled), "changed_at", BCON_INT64 (now_ms), "}", "$inc", "{",
      "generation", BCON_INT64 (1), "}");
  g_autoptr (mongoc_collection_t) sessions = collection (client, db_name, "sessions");
  g_autoptr (bson_t) session_filter
      = BCON_NEW ("username", BCON_UTF8 (record->username), "revoked", BCON_BOOL (FALSE));
  g_autoptr (bson_t) revoke = BCON_NEW ("$set", "{", "revoked", BCON_BOOL (TRUE), "}");
  g_auto (bson_t) reply = BSON_INITIALIZER;

  if (!mongoc_collection_update_one (accounts, filter, update, NULL, &reply, &berror))
    {
      sb_mongo_set_error (error, &berror, "changing an account");
      return FALSE;
    }
  if (sb_mongo_doc_get_int64 (&reply, "matchedCount", 0) == 0)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No account “%s”",
                   record->username);
      return FALSE;
    }
  if (!mongoc_collection_update_many (sessions, session_filter, revoke, NULL, NULL, &berror))
    {
      sb_mongo_set_error (error, &berror, "revoking sessions");
      return FALSE;
    }
  return bump_revision (client, db_name, error);
}

SbAccountRecord *
sb_mongo_accounts_get (mongoc_client_t *client,
                       const char *db_name,
                       const char *username,
                       GError **error)
{
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (username));
  g_autoptr (GError) local_error = NULL;
  g_autoptr (bson_t) doc = find_one (client, db_name, "accounts", filter, &local_error);

  if (doc != NULL)
    return account_from_doc (doc);
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No account “%s”", username);
  return NULL;
}

GPtrArray *
sb_mongo_accounts_list (mongoc_client_t *client, const char *db_name, GError **error)
{
  g_autoptr (mongoc_collection_t) coll = collection (client, db_name, "accounts");
  g_autoptr (bson_t) filter = bson_new ();
  g_autoptr (bson_t) opts = BCON_NEW ("sort", "{", "_id", BCON_INT32 (1), "}");
  g_autoptr (mongoc_cursor_t) cursor = mongoc_collection_find_with_opts (coll, filter, opts, NULL);
  g_autoptr (GPtrArray) out
      = g_ptr_array_new_with_free_func ((GDestroyNotify) sb_account_record_free);
  const bson_t *doc;
  bson_error_t berror;

  while (mongoc_cursor_next (cursor, &doc))
    g_ptr_array_add (out, account_from_doc (doc));
  if (mongoc_cursor_error (cursor, &berror))
    {
      sb_mongo_set_error (error, &berror, "listing accounts");
      return NULL;
    }
  /* The placeholder has no document; it is listed, in order, as the SQLite store lists it. */
  g_ptr_array_add (out, sb_account_record_new (SB_LEGACY_ACCOUNT, SB_ROLE_VIEWER, "", TRUE, 0));
  g_ptr_array_sort (out, compare_usernames);
  return g_steal_pointer (&out);
}

gboolean
sb_mongo_sessions_put (mongoc_client_t *client,
                       const char *db_name,
                       const char *token_hash,
                       const char *username,
                       gint64 account_generation,
                       gint64 created_at_ms,
                       gint64 expires_at_ms,
                       GError **error)
{
  g_autoptr (mongoc_collection_t) coll = collection (client, db_name, "sessions");
  g_autoptr (bson_t) doc
      = BCON_NEW ("_id", BCON_UTF8 (token_hash), "username", BCON_UTF8 (username), "created_at",
                  BCON_INT64 (created_at_ms), "expires_at", BCON_INT64 (expires_at_ms), "revoked",
                  BCON_BOOL (FALSE), "generation", BCON_INT64 (account_generation));
  g_autoptr (bson_t) account_filter = BCON_NEW ("_id", BCON_UTF8 (username));
  g_autoptr (bson_t) account = NULL;
  g_autoptr (GError) local_error = NULL;
  bson_error_t berror;

  /* Written first, checked after: an account change that the read below does not see comes
   * after the insert, so its own revocation (or the generation, sb_mongo_sessions_get) ends this
   * session; one that it does see refuses the sign-in here. */
  if (!mongoc_collection_insert_one (coll, doc, NULL, NULL, &berror))
    {
      sb_mongo_set_error (error, &berror, "recording a session");
      return FALSE;
    }
  account = find_one (client, db_name, "accounts", account_filter, &local_error);
  if (account != NULL && !doc_get_bool (account, "disabled")
      && sb_mongo_doc_get_int64 (account, "generation", 0) == account_generation)
    return TRUE;

  /* Not granted: the session must not stay valid either (its generation would already refuse it;
   * this makes it plain in the collection). Best effort: the error that matters is the first. */
  {
    g_autoptr (bson_t) session_filter = BCON_NEW ("_id", BCON_UTF8 (token_hash));
    g_autoptr (bson_t) revoke = BCON_NEW ("$set", "{", "revoked", BCON_BOOL (TRUE), "}");

    if (!mongoc_collection_update_one (coll, session_filter, revoke, NULL, NULL, &berror))
      g_debug ("Cannot revoke a refused session: %s", berror.message);
  }
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_CHANGED,
                 "The account “%s” changed during the sign-in", username);
  return FALSE;
}

SbSessionRecord *
sb_mongo_sessions_get (mongoc_client_t *client,
                       const char *db_name,
                       const char *token_hash,
                       GError **error)
{
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (token_hash));
  g_autoptr (GError) local_error = NULL;
  g_autoptr (bson_t) session = find_one (client, db_name, "sessions", filter, &local_error);
  g_autoptr (bson_t) account = NULL;
  SbSessionRecord *record;
  gint64 generation;

  if (session != NULL)
    {
      g_autoptr (bson_t) account_filter
          = BCON_NEW ("_id", BCON_UTF8 (sb_mongo_doc_get_utf8 (session, "username")));
      account = find_one (client, db_name, "accounts", account_filter, &local_error);
    }
  if (session == NULL || account == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND, "No such session");
      return NULL;
    }

  record = g_new0 (SbSessionRecord, 1);
  record->username = g_strdup (sb_mongo_doc_get_utf8 (session, "username"));
  if (!sb_role_from_string (sb_mongo_doc_get_utf8 (account, "role"), &record->role))
    record->role = SB_ROLE_VIEWER;
  record->disabled = doc_get_bool (account, "disabled");
  record->created_at_ms = sb_mongo_doc_get_int64 (session, "created_at", 0);
  record->expires_at_ms = sb_mongo_doc_get_int64 (session, "expires_at", 0);
  /* Sessions recorded before generations existed carry none (-1): only changed_at judges them. */
  generation = sb_mongo_doc_get_int64 (session, "generation", -1);
  record->revoked
      = doc_get_bool (session, "revoked")
        || record->created_at_ms < sb_mongo_doc_get_int64 (account, "changed_at", 0)
        || (generation != -1 && generation != sb_mongo_doc_get_int64 (account, "generation", 0));
  return record;
}

gboolean
sb_mongo_sessions_revoke (mongoc_client_t *client,
                          const char *db_name,
                          const char *token_hash,
                          GError **error)
{
  g_autoptr (mongoc_collection_t) coll = collection (client, db_name, "sessions");
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (token_hash));
  g_autoptr (bson_t) revoke = BCON_NEW ("$set", "{", "revoked", BCON_BOOL (TRUE), "}");
  bson_error_t berror;

  if (!mongoc_collection_update_one (coll, filter, revoke, NULL, NULL, &berror))
    {
      sb_mongo_set_error (error, &berror, "revoking a session");
      return FALSE;
    }
  return bump_revision (client, db_name, error);
}

gboolean
sb_mongo_accounts_revision (mongoc_client_t *client,
                            const char *db_name,
                            gint64 *out_revision,
                            GError **error)
{
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (META_ACCOUNTS));
  g_autoptr (GError) local_error = NULL;
  g_autoptr (bson_t) doc = find_one (client, db_name, "meta", filter, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *out_revision = doc != NULL ? sb_mongo_doc_get_int64 (doc, "revision", 0) : 0;
  return TRUE;
}
