/* lg-verify.c: snapshot and database checks, see lg-verify.h. */
#include "lg-verify.h"

#include "lg-server.h"

#include "sb-request.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

void
lg_snapshot_free (LgSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_free (snapshot->event_id);
  g_clear_pointer (&snapshot->states, g_hash_table_unref);
  g_free (snapshot);
}

typedef struct
{
  GMainLoop *loop;
  SoupWebsocketConnection *connection;
  const char *token;
  const char *const *event_ids;
  GPtrArray *snapshots; /* LgSnapshot, NULL until received */
  guint n_received;
  GError *error;
} FetchState;

static void
fetch_fail (FetchState *state, GError *error)
{
  if (state->error == NULL)
    state->error = error;
  else
    g_error_free (error);
  g_main_loop_quit (state->loop);
}

static void
fetch_send (FetchState *state, SbRequest *request)
{
  g_autofree char *json = sb_request_to_json (request);
  soup_websocket_connection_send_text (state->connection, json);
}

static void
fetch_subscribe (FetchState *state, guint index)
{
  g_autofree char *id = g_strdup_printf ("s%u", index);
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_SUBSCRIBE, id);

  request->event_id = g_strdup (state->event_ids[index]);
  request->since = -1;
  fetch_send (state, request);
}

static void
on_message (SoupWebsocketConnection *connection, gint type, GBytes *message, gpointer user_data)
{
  FetchState *state = user_data;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (message, &len);

  if (!json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      fetch_fail (state, g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                      "verify: unreadable message: %s", error->message));
      return;
    }
  JsonObject *object = json_node_get_object (json_parser_get_root (parser));
  const char *msg_type = json_object_get_string_member_with_default (object, "type", "");
  const char *re = json_object_get_string_member_with_default (object, "re", "");

  /* One subscription at a time: 20 snapshots of a 400 KB venue requested at once are 8 MB queued
   * for one client, which the server may rightly close as too slow. */
  if (strcmp (msg_type, "welcome") == 0 && state->token != NULL)
    {
      g_autoptr (SbRequest) sign_in = sb_request_new (SB_REQUEST_SIGN_IN, "sign-in");

      sign_in->token = g_strdup (state->token);
      fetch_send (state, sign_in);
    }
  else if (strcmp (msg_type, "welcome") == 0 || strcmp (msg_type, "signed_in") == 0)
    fetch_subscribe (state, 0);
  else if (strcmp (msg_type, "snapshot") == 0 && re[0] == 's')
    {
      guint index = (guint) g_ascii_strtoull (re + 1, NULL, 10);
      if (index >= state->snapshots->len || g_ptr_array_index (state->snapshots, index) != NULL)
        return;
      LgSnapshot *snapshot = g_new0 (LgSnapshot, 1);
      snapshot->event_id = g_strdup (state->event_ids[index]);
      snapshot->version = json_object_get_int_member_with_default (object, "version", -1);
      snapshot->states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      JsonArray *seats = json_object_get_array_member (object, "seats");
      for (guint i = 0; seats != NULL && i < json_array_get_length (seats); i++)
        {
          JsonObject *seat = json_array_get_object_element (seats, i);
          g_hash_table_insert (snapshot->states,
                               g_strdup (json_object_get_string_member (seat, "id")),
                               g_strdup (json_object_get_string_member (seat, "state")));
        }
      g_ptr_array_index (state->snapshots, index) = snapshot;
      if (++state->n_received == state->snapshots->len)
        g_main_loop_quit (state->loop);
      else
        fetch_subscribe (state, state->n_received);
    }
  else if (strcmp (msg_type, "error") == 0)
    fetch_fail (state,
                g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "verify: request %s failed: %s", re,
                             json_object_get_string_member_with_default (object, "code", "?")));
}

static void
on_closed (SoupWebsocketConnection *connection, gpointer user_data)
{
  FetchState *state = user_data;
  fetch_fail (state, g_error_new (G_IO_ERROR, G_IO_ERROR_CLOSED,
                                  "verify: the server closed the connection (code %u)",
                                  soup_websocket_connection_get_close_code (connection)));
}

static void
on_connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FetchState *state = user_data;
  GError *error = NULL;

  state->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (state->connection == NULL)
    {
      fetch_fail (state, error);
      return;
    }
  /* A snapshot of a large venue is well above libsoup's default 128 KiB limit. */
  soup_websocket_connection_set_max_incoming_payload_size (state->connection, 256 * 1024 * 1024);
  g_signal_connect (state->connection, "message", G_CALLBACK (on_message), state);
  g_signal_connect (state->connection, "closed", G_CALLBACK (on_closed), state);

  g_autofree char *client_id = g_strdup_printf ("loadgen-verify-%d", (int) getpid ());
  g_autoptr (SbRequest) hello = sb_request_new (SB_REQUEST_HELLO, "hello");
  hello->client_name = g_strdup ("seatbook-loadgen (verify)");
  hello->client_id = g_strdup (client_id);
  hello->protocol = state->token != NULL ? SB_PROTOCOL_VERSION : 1;
  fetch_send (state, hello);
}

static gboolean
on_timeout (gpointer user_data)
{
  FetchState *state = user_data;
  fetch_fail (state, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                                  "verify: no snapshot within the time limit"));
  return G_SOURCE_REMOVE;
}

GPtrArray *
lg_verify_fetch_snapshots (const char *url,
                           const char *token,
                           const char *const *event_ids,
                           guint timeout_seconds,
                           GError **error)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_main_context_push_thread_default (context);

  g_autoptr (GMainLoop) loop = g_main_loop_new (context, FALSE);
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autoptr (SoupMessage) message = soup_message_new ("GET", url);
  FetchState state = { .loop = loop, .token = token, .event_ids = event_ids };

  state.snapshots = g_ptr_array_new_with_free_func ((GDestroyNotify) lg_snapshot_free);
  g_ptr_array_set_size (state.snapshots, (guint) g_strv_length ((char **) event_ids));

  g_autoptr (GSource) timeout = g_timeout_source_new_seconds (timeout_seconds);
  g_source_set_callback (timeout, on_timeout, &state, NULL);
  g_source_attach (timeout, context);

  g_signal_connect (message, "accept-certificate", G_CALLBACK (lg_accept_any_certificate), NULL);
  soup_session_websocket_connect_async (session, message, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected, &state);
  if (state.snapshots->len > 0)
    g_main_loop_run (loop);
  g_source_destroy (timeout);

  if (state.connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (state.connection, &state);
      if (soup_websocket_connection_get_state (state.connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (state.connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_clear_object (&state.connection);
    }
  g_main_context_pop_thread_default (context);

  if (state.error != NULL)
    {
      g_propagate_error (error, state.error);
      g_ptr_array_unref (state.snapshots);
      return NULL;
    }
  return state.snapshots;
}

GHashTable *
lg_verify_read_db (const char *path,
                   const char *event_id,
                   guint *out_duplicates,
                   guint *out_inconsistent,
                   GError **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr (GHashTable) seats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  guint duplicates = 0, inconsistent = 0;

  /* Read-only, so the check cannot disturb the store even if the server still runs. */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
    goto fail;
  sqlite3_busy_timeout (db, 10000);

  /* LEFT JOIN: a booking_seats row without a matching seat_states row is an inconsistency too. */
  if (sqlite3_prepare_v2 (db,
                          "SELECT b.seat_id, b.booking_id, s.state, s.booking_id"
                          "  FROM booking_seats AS b"
                          "  LEFT JOIN seat_states AS s"
                          "    ON s.event_id = b.event_id AND s.seat_id = b.seat_id"
                          " WHERE b.event_id = ?",
                          -1, &stmt, NULL)
      != SQLITE_OK)
    goto fail;
  sqlite3_bind_text (stmt, 1, event_id, -1, SQLITE_TRANSIENT);

  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *seat = (const char *) sqlite3_column_text (stmt, 0);
      const char *booking = (const char *) sqlite3_column_text (stmt, 1);
      const char *state = (const char *) sqlite3_column_text (stmt, 2);
      const char *state_booking = (const char *) sqlite3_column_text (stmt, 3);

      if (seat == NULL || booking == NULL)
        continue;
      if (g_hash_table_contains (seats, seat))
        duplicates++;
      if (state == NULL || strcmp (state, "booked") != 0 || state_booking == NULL
          || strcmp (state_booking, booking) != 0)
        inconsistent++;
      g_hash_table_insert (seats, g_strdup (seat), g_strdup (booking));
    }
  if (rc != SQLITE_DONE)
    goto fail;

  sqlite3_finalize (stmt);
  sqlite3_close (db);
  *out_duplicates = duplicates;
  *out_inconsistent = inconsistent;
  return g_steal_pointer (&seats);

fail:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", path,
               db != NULL ? sqlite3_errmsg (db) : "cannot open");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return NULL;
}
