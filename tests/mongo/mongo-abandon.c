/* mongo-abandon.c: leaves a transaction open on a MongoDB deployment and dies, as a
 * seatbook-server killed in the middle of a transaction does; for test-killed-server.py against a
 * real replica set (on the fake, the test kills a real server in its commit instead).
 *
 *   mongo-abandon URI EVENT [--record]   starts a transaction that writes EVENT's document in
 *                                        "events" (what every booking of the event writes), and,
 *                                        with --record, records its session in store_processes as
 *                                        a seatbook-server of this host does; prints "OPEN" and
 *                                        kills itself with SIGKILL
 *   mongo-abandon URI --lifetime N       sets transactionLifetimeLimitSeconds to N seconds and
 *                                        prints the previous value ("WAS <n>")
 *
 * Exits 1 with "ERROR <message>" when MongoDB refuses. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <glib.h>
#include <mongoc/mongoc.h>

static int
fail (const bson_error_t *berror)
{
  printf ("ERROR %s\n", berror->message);
  return 1;
}

static int
set_lifetime (mongoc_client_t *client, const char *seconds)
{
  bson_t *command = BCON_NEW ("setParameter", BCON_INT32 (1), "transactionLifetimeLimitSeconds",
                              BCON_INT32 ((int) g_ascii_strtoll (seconds, NULL, 10)));
  bson_t reply;
  bson_error_t berror;
  bson_iter_t iter;
  gboolean ok;

  ok = mongoc_client_command_simple (client, "admin", command, NULL, &reply, &berror);
  bson_destroy (command);
  if (!ok)
    {
      bson_destroy (&reply);
      return fail (&berror);
    }
  if (bson_iter_init_find (&iter, &reply, "was") && BSON_ITER_HOLDS_NUMBER (&iter))
    printf ("WAS %" G_GINT64_FORMAT "\n", bson_iter_as_int64 (&iter));
  bson_destroy (&reply);
  return 0;
}

static int
abandon (mongoc_client_t *client, const char *db_name, const char *event_id, gboolean record)
{
  mongoc_client_session_t *session;
  mongoc_collection_t *events = mongoc_client_get_collection (client, db_name, "events");
  bson_t *filter = BCON_NEW ("_id", BCON_UTF8 (event_id));
  bson_t *update = BCON_NEW ("$set", "{", "abandoned_by", BCON_INT64 (getpid ()), "}");
  bson_t opts = BSON_INITIALIZER;
  bson_error_t berror;

  session = mongoc_client_start_session (client, NULL, &berror);
  if (session == NULL)
    return fail (&berror);
  if (record)
    {
      /* The record a seatbook-server keeps (server/store/sb-mongo-registry.c). */
      mongoc_collection_t *processes
          = mongoc_client_get_collection (client, db_name, "store_processes");
      g_autofree char *id = g_uuid_string_random ();
      bson_t *doc = BCON_NEW ("_id", BCON_UTF8 (id), "host", BCON_UTF8 (g_get_host_name ()), "pid",
                              BCON_INT64 (getpid ()), "lsid",
                              BCON_DOCUMENT (mongoc_client_session_get_lsid (session)),
                              "started_at", BCON_DATE_TIME (g_get_real_time () / 1000));

      if (!mongoc_collection_insert_one (processes, doc, NULL, NULL, &berror))
        return fail (&berror);
    }
  if (!mongoc_client_session_start_transaction (session, NULL, &berror)
      || !mongoc_client_session_append (session, &opts, &berror)
      || !mongoc_collection_update_one (events, filter, update, &opts, NULL, &berror))
    return fail (&berror);
  printf ("OPEN\n");
  fflush (stdout);
  /* No commit, no abort, no endSessions: the transaction stays open on the server. */
  raise (SIGKILL);
  return 1;
}

int
main (int argc, char **argv)
{
  mongoc_uri_t *uri;
  mongoc_client_t *client;
  bson_error_t berror;
  const char *db;
  int status;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s URI EVENT [--record] | URI --lifetime SECONDS\n", argv[0]);
      return 2;
    }
  mongoc_init ();
  uri = mongoc_uri_new_with_error (argv[1], &berror);
  if (uri == NULL)
    return fail (&berror);
  client = mongoc_client_new_from_uri (uri);
  mongoc_client_set_error_api (client, MONGOC_ERROR_API_VERSION_2);
  db = mongoc_uri_get_database (uri);
  if (g_str_equal (argv[2], "--lifetime") && argc > 3)
    status = set_lifetime (client, argv[3]);
  else
    status = abandon (client, db != NULL && *db != '\0' ? db : "seatbook", argv[2],
                      argc > 3 && g_str_equal (argv[3], "--record"));
  mongoc_client_destroy (client);
  mongoc_uri_destroy (uri);
  mongoc_cleanup ();
  return status;
}
