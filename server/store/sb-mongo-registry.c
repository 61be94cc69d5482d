/* sb-mongo-registry.c: the sessions of this host's server processes (sb-mongo-registry-private.h).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include "sb-mongo-bson-private.h"
#include "sb-mongo-registry-private.h"

#define COLLECTION "store_processes"

/* A record whose process is gone. Its pid may have been reused meanwhile by another program: then
 * the record stays and its transaction ends at the lifetime limit, which is only slower. A record
 * with our own pid is a predecessor's (a container restarts its server as the same pid). */
static gboolean
process_is_dead (gint64 pid)
{
  if (pid <= 0 || pid == (gint64) getpid ())
    return TRUE;
  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

static mongoc_write_concern_t *
majority (void)
{
  mongoc_write_concern_t *wc = mongoc_write_concern_new ();

  mongoc_write_concern_set_w (wc, MONGOC_WRITE_CONCERN_W_MAJORITY);
  return wc;
}

/* killSessions on the dead records' sessions, then drops the records. */
static gboolean
end_dead_sessions (mongoc_client_t *client,
                   mongoc_collection_t *coll,
                   const char *host,
                   GError **error)
{
  g_autoptr (bson_t) filter = BCON_NEW ("host", BCON_UTF8 (host));
  g_autoptr (mongoc_cursor_t) cursor = mongoc_collection_find_with_opts (coll, filter, NULL, NULL);
  g_autoptr (mongoc_write_concern_t) wc = majority ();
  g_auto (bson_t) kill = BSON_INITIALIZER;
  g_auto (bson_t) dead_ids = BSON_INITIALIZER;
  g_auto (bson_t) delete_opts = BSON_INITIALIZER;
  g_autoptr (bson_t) delete_filter = NULL;
  const bson_t *doc;
  bson_error_t berror;
  bson_t lsids;
  guint n_dead = 0, n_lsids = 0;

  bson_append_array_begin (&kill, "killSessions", -1, &lsids);
  while (mongoc_cursor_next (cursor, &doc))
    {
      bson_iter_t iter, lsid;
      char key[16];
      const char *key_str;

      if (!process_is_dead (sb_mongo_doc_get_int64 (doc, "pid", 0)))
        continue;
      bson_uint32_to_string (n_dead, &key_str, key, sizeof key);
      if (bson_iter_init_find (&iter, doc, "_id"))
        bson_append_iter (&dead_ids, key_str, -1, &iter);
      bson_uint32_to_string (n_lsids, &key_str, key, sizeof key);
      if (bson_iter_init_find (&lsid, doc, "lsid") && BSON_ITER_HOLDS_DOCUMENT (&lsid))
        {
          bson_append_iter (&lsids, key_str, -1, &lsid);
          n_lsids++;
        }
      n_dead++;
    }
  bson_append_array_end (&kill, &lsids);
  if (mongoc_cursor_error (cursor, &berror))
    {
      sb_mongo_set_error (error, &berror, "reading " COLLECTION);
      return FALSE;
    }
  if (n_dead == 0)
    return TRUE;

  /* killSessions aborts the sessions' open transactions and releases what they hold. Refused (a
   * deployment that does not allow it), it only costs time: the transactions end at the lifetime
   * limit, so the server starts anyway and the records stay for the next start. */
  if (n_lsids > 0 && !mongoc_client_command_simple (client, "admin", &kill, NULL, NULL, &berror))
    {
      g_message ("Cannot end the MongoDB sessions of %u stopped server process%s of this host "
                 "(their open transactions end at the server's transactionLifetimeLimitSeconds): "
                 "%s",
                 n_dead, n_dead == 1 ? "" : "es", berror.message);
      return TRUE;
    }
  g_message ("Ended the MongoDB sessions of %u stopped server process%s of this host", n_dead,
             n_dead == 1 ? "" : "es");

  delete_filter = BCON_NEW ("_id", "{", "$in", BCON_ARRAY (&dead_ids), "}");
  mongoc_write_concern_append (wc, &delete_opts);
  if (!mongoc_collection_delete_many (coll, delete_filter, &delete_opts, NULL, &berror))
    {
      sb_mongo_set_error (error, &berror, "dropping the records of stopped server processes");
      return FALSE;
    }
  return TRUE;
}

char *
sb_mongo_registry_register (mongoc_client_t *client,
                            const char *db_name,
                            mongoc_client_session_t *session,
                            GError **error)
{
  g_autoptr (mongoc_collection_t) coll = mongoc_client_get_collection (client, db_name, COLLECTION);
  g_autoptr (mongoc_write_concern_t) wc = majority ();
  g_autofree char *process_id = g_uuid_string_random ();
  const char *host = g_get_host_name ();
  g_auto (bson_t) doc = BSON_INITIALIZER;
  g_auto (bson_t) opts = BSON_INITIALIZER;
  bson_error_t berror;

  if (!end_dead_sessions (client, coll, host, error))
    return NULL;

  BSON_APPEND_UTF8 (&doc, "_id", process_id);
  BSON_APPEND_UTF8 (&doc, "host", host);
  BSON_APPEND_INT64 (&doc, "pid", (gint64) getpid ());
  BSON_APPEND_DOCUMENT (&doc, "lsid", mongoc_client_session_get_lsid (session));
  BSON_APPEND_DATE_TIME (&doc, "started_at", sb_now_ms ());
  mongoc_write_concern_append (wc, &opts);
  if (!mongoc_collection_insert_one (coll, &doc, &opts, NULL, &berror))
    {
      sb_mongo_set_error (error, &berror, "recording this process's session");
      return NULL;
    }
  return g_steal_pointer (&process_id);
}

void
sb_mongo_registry_forget (mongoc_client_t *client, const char *db_name, const char *process_id)
{
  g_autoptr (mongoc_collection_t) coll = mongoc_client_get_collection (client, db_name, COLLECTION);
  g_autoptr (bson_t) filter = BCON_NEW ("_id", BCON_UTF8 (process_id));
  bson_error_t berror;

  if (!mongoc_collection_delete_one (coll, filter, NULL, NULL, &berror))
    g_message ("Cannot drop this process's record from %s: %s", COLLECTION, berror.message);
}
