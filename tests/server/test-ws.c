/* The server's WebSocket transport against libsoup's client and against hand-made frames. */

#include <string.h>

#include <libsoup/soup.h>

#include "sb-ws-poller.h"

#define MAX_PAYLOAD (64 * 1024)

typedef struct
{
  SoupServer *server;
  SbWsPoller *poller;
  guint port;
  guint n_accepted;
  guint n_closed;
  gushort last_close_code;
  SbWsOpcode last_opcode;
  SbWsConnection *last_connection;
} Fixture;

static void
server_message_cb (SbWsConnection *connection,
                   SbWsOpcode opcode,
                   const char *data,
                   gsize length,
                   gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->last_opcode = opcode;
  if (length > 6 && memcmp (data, "close:", 6) == 0)
    {
      g_autofree char *code = g_strndup (data + 6, length - 6);
      sb_ws_connection_close (connection, (gushort) g_ascii_strtoull (code, NULL, 10), "asked to");
      return;
    }
  if (opcode == SB_WS_OPCODE_TEXT)
    sb_ws_connection_send_text (connection, data, length);
  else
    {
      g_autoptr (GBytes) frame = sb_ws_frame_encode (SB_WS_OPCODE_BINARY, data, length);
      sb_ws_connection_send_frame (connection, frame);
    }
}

static void
server_closed_cb (SbWsConnection *connection, gushort code, const char *reason, gpointer user_data)
{
  Fixture *fixture = user_data;

  fixture->n_closed++;
  fixture->last_close_code = code;
}

static void
accept_cb (SbWsPoller *poller, SbWsConnection *connection, gpointer user_data)
{
  static const SbWsConnectionCallbacks callbacks = {
    .message = server_message_cb,
    .closed = server_closed_cb,
  };
  Fixture *fixture = user_data;

  fixture->n_accepted++;
  fixture->last_connection = connection;
  sb_ws_connection_set_callbacks (connection, &callbacks, fixture);
}

static void
ws_handler (SoupServer *server,
            SoupServerMessage *msg,
            const char *path,
            GHashTable *query,
            gpointer user_data)
{
  Fixture *fixture = user_data;

  sb_ws_poller_handle_upgrade (fixture->poller, msg);
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSList) uris = NULL;

  fixture->poller = sb_ws_poller_new (MAX_PAYLOAD, &error);
  g_assert_no_error (error);
  sb_ws_poller_set_accept_func (fixture->poller, accept_cb, fixture);

  fixture->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fixture->server, "/ws", ws_handler, fixture, NULL);
  soup_server_listen_local (fixture->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (fixture->server);
  fixture->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  soup_server_disconnect (fixture->server);
  g_clear_object (&fixture->server);
  g_clear_object (&fixture->poller);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
iterate_until (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* ---- libsoup as the client ---- */

typedef struct
{
  SoupWebsocketConnection *connection;
  GBytes *message;
  gboolean connected;
  gboolean got_message;
  gboolean closed;
} Client;

static void
client_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Client *client = user_data;
  g_autoptr (GError) error = NULL;

  client->connection
      = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
  client->connected = TRUE;
}

static void
client_message_cb (SoupWebsocketConnection *connection,
                   gint type,
                   GBytes *message,
                   gpointer user_data)
{
  Client *client = user_data;

  g_clear_pointer (&client->message, g_bytes_unref);
  client->message = g_bytes_ref (message);
  client->got_message = TRUE;
}

static void
client_closed_cb (SoupWebsocketConnection *connection, gpointer user_data)
{
  Client *client = user_data;

  client->closed = TRUE;
}

static void
client_connect (Fixture *fixture, Client *client)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/ws", fixture->port);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);

  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        client_connected_cb, client);
  iterate_until (&client->connected);
  soup_websocket_connection_set_max_incoming_payload_size (client->connection, 1024 * 1024);
  g_signal_connect (client->connection, "message", G_CALLBACK (client_message_cb), client);
  g_signal_connect (client->connection, "closed", G_CALLBACK (client_closed_cb), client);
}

static void
client_clear (Client *client)
{
  g_clear_pointer (&client->message, g_bytes_unref);
  g_clear_object (&client->connection);
}

static void
test_echo (Fixture *fixture, gconstpointer data)
{
  Client client = { 0 };
  const char *sizes_text[] = { "hello", NULL };
  g_autofree char *big = g_strnfill (60000, 'b');

  client_connect (fixture, &client);
  g_assert_cmpuint (fixture->n_accepted, ==, 1);
  g_assert_cmpuint (sb_ws_poller_get_n_connections (fixture->poller), ==, 1);

  soup_websocket_connection_send_text (client.connection, sizes_text[0]);
  iterate_until (&client.got_message);
  g_assert_cmpmem (g_bytes_get_data (client.message, NULL), g_bytes_get_size (client.message),
                   "hello", 5);
  g_assert_cmpuint (fixture->last_opcode, ==, SB_WS_OPCODE_TEXT);

  client.got_message = FALSE;
  soup_websocket_connection_send_text (client.connection, big);
  iterate_until (&client.got_message);
  g_assert_cmpuint (g_bytes_get_size (client.message), ==, 60000);

  client.got_message = FALSE;
  soup_websocket_connection_send_binary (client.connection, "\x01\x02", 2);
  iterate_until (&client.got_message);
  g_assert_cmpuint (fixture->last_opcode, ==, SB_WS_OPCODE_BINARY);

  soup_websocket_connection_close (client.connection, 1000, "bye");
  iterate_until (&client.closed);
  while (fixture->n_closed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->last_close_code, ==, 1000);
  client_clear (&client);
}

static void
test_server_close_code (Fixture *fixture, gconstpointer data)
{
  Client client = { 0 };

  client_connect (fixture, &client);
  soup_websocket_connection_send_text (client.connection, "close:4001");
  iterate_until (&client.closed);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client.connection), ==, 4001);
  while (fixture->n_closed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->last_close_code, ==, 4001);
  g_assert_cmpuint (sb_ws_poller_get_n_connections (fixture->poller), ==, 0);
  client_clear (&client);
}

static void
test_too_big (Fixture *fixture, gconstpointer data)
{
  Client client = { 0 };
  g_autofree char *huge = g_strnfill (MAX_PAYLOAD + 1, 'h');

  client_connect (fixture, &client);
  soup_websocket_connection_send_text (client.connection, huge);
  iterate_until (&client.closed);
  g_assert_cmpuint (soup_websocket_connection_get_close_code (client.connection), ==, 1009);
  client_clear (&client);
}

/* ---- hand-made frames over a raw socket ---- */

static GSocketConnection *
raw_connect (Fixture *fixture)
{
  g_autoptr (GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *request = g_strdup_printf (
      "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n",
      fixture->port);
  GSocketConnection *connection;
  GString *response = g_string_new (NULL);
  GInputStream *input;

  connection
      = g_socket_client_connect_to_host (socket_client, "127.0.0.1", fixture->port, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)), request,
                             strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);

  /* The server runs in this thread: read the 101 without blocking it. */
  input = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  g_socket_set_blocking (g_socket_connection_get_socket (connection), FALSE);
  while (strstr (response->str, "\r\n\r\n") == NULL)
    {
      char c;
      gssize n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input), &c, 1,
                                                           NULL, NULL);
      if (n == 1)
        g_string_append_c (response, c);
      else
        g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));
  /* No extension may be accepted. */
  g_assert_null (strstr (response->str, "Sec-WebSocket-Extensions"));
  g_string_free (response, TRUE);
  g_object_set_data_full (G_OBJECT (connection), "test-buffer", g_byte_array_new (),
                          (GDestroyNotify) g_byte_array_unref);
  return connection;
}

static void
raw_send (GSocketConnection *connection, guint8 first, const void *payload, gsize length)
{
  GByteArray *frame = g_byte_array_new ();
  const guint8 mask[4] = { 1, 2, 3, 4 };
  guint8 second;

  g_assert_cmpuint (length, <, 126);
  g_byte_array_append (frame, &first, 1);
  second = 0x80 | (guint8) length;
  g_byte_array_append (frame, &second, 1);
  g_byte_array_append (frame, mask, 4);
  for (gsize i = 0; i < length; i++)
    {
      guint8 b = ((const guint8 *) payload)[i] ^ mask[i & 3];
      g_byte_array_append (frame, &b, 1);
    }
  g_socket_send (g_socket_connection_get_socket (connection), (const char *) frame->data,
                 frame->len, NULL, NULL);
  g_byte_array_unref (frame);
}

/* Reads one whole server frame; returns its opcode and payload. Bytes of later frames stay in
 * the connection's buffer. */
static guint8
raw_receive (GSocketConnection *connection, GByteArray *payload)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  GByteArray *buffer = g_object_get_data (G_OBJECT (connection), "test-buffer");
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  SbWsFrameHeader header;
  guint8 opcode;

  for (;;)
    {
      char chunk[4096];
      gssize n;

      if (sb_ws_frame_decode_header (buffer->data, buffer->len, &header) == SB_WS_DECODE_OK
          && buffer->len >= header.header_length + header.payload_length)
        break;
      n = g_socket_receive (socket, chunk, sizeof chunk, NULL, NULL);
      if (n > 0)
        g_byte_array_append (buffer, (guint8 *) chunk, n);
      else if (n == 0)
        g_error ("connection closed before a whole frame");
      else
        g_main_context_iteration (NULL, FALSE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  opcode = header.opcode;
  g_byte_array_set_size (payload, 0);
  g_byte_array_append (payload, buffer->data + header.header_length, header.payload_length);
  g_byte_array_remove_range (buffer, 0, header.header_length + header.payload_length);
  return opcode;
}

static void
send_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GBytes **body = user_data;
  g_autoptr (GError) error = NULL;

  *body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_assert_no_error (error);
}

static void
test_fragmented (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSocketConnection) connection = raw_connect (fixture);
  g_autoptr (GByteArray) payload = g_byte_array_new ();

  raw_send (connection, 0x01, "frag", 4); /* text, not final */
  raw_send (connection, 0x89, "p", 1);    /* a ping in between is allowed */
  raw_send (connection, 0x00, "men", 3);  /* continuation */
  raw_send (connection, 0x80, "ted", 3);  /* final continuation */

  g_assert_cmpuint (raw_receive (connection, payload), ==, SB_WS_OPCODE_PONG);
  g_assert_cmpmem (payload->data, payload->len, "p", 1);
  g_assert_cmpuint (raw_receive (connection, payload), ==, SB_WS_OPCODE_TEXT);
  g_assert_cmpmem (payload->data, payload->len, "fragmented", 10);
}

static void
expect_close (Fixture *fixture, GSocketConnection *connection, gushort code)
{
  g_autoptr (GByteArray) payload = g_byte_array_new ();

  g_assert_cmpuint (raw_receive (connection, payload), ==, SB_WS_OPCODE_CLOSE);
  g_assert_cmpuint (payload->len, >=, 2);
  g_assert_cmpuint ((payload->data[0] << 8) | payload->data[1], ==, code);
}

static void
test_protocol_errors (Fixture *fixture, gconstpointer data)
{
  {
    g_autoptr (GSocketConnection) connection = raw_connect (fixture);
    const guint8 unmasked[] = { 0x81, 0x02, 'h', 'i' };
    g_socket_send (g_socket_connection_get_socket (connection), (const char *) unmasked,
                   sizeof unmasked, NULL, NULL);
    expect_close (fixture, connection, 1002);
  }
  {
    g_autoptr (GSocketConnection) connection = raw_connect (fixture);
    raw_send (connection, 0x81, "\xff\xfe", 2); /* not UTF-8 */
    expect_close (fixture, connection, 1007);
  }
  {
    g_autoptr (GSocketConnection) connection = raw_connect (fixture);
    raw_send (connection, 0x80, "orphan", 6); /* continuation without a start */
    expect_close (fixture, connection, 1002);
  }
  {
    g_autoptr (GSocketConnection) connection = raw_connect (fixture);
    raw_send (connection, 0x88, "\x03\xe8", 2); /* the client closes with 1000 */
    expect_close (fixture, connection, 1000);
  }
}

static void
test_abrupt_disconnect (Fixture *fixture, gconstpointer data)
{
  GSocketConnection *connection = raw_connect (fixture);

  while (fixture->n_accepted == 0)
    g_main_context_iteration (NULL, TRUE);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_object_unref (connection);
  while (fixture->n_closed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->last_close_code, ==, 1006);
}

/* Frames queued while the poller is corked stay in the connection until uncork, then arrive
 * whole and in order. */
static void
test_cork (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSocketConnection) connection = raw_connect (fixture);
  g_autoptr (GByteArray) payload = g_byte_array_new ();
  const char *texts[] = { "first", "second", "third" };
  gsize queued = 0;
  char byte;

  while (fixture->n_accepted == 0)
    g_main_context_iteration (NULL, TRUE);

  sb_ws_poller_cork (fixture->poller);
  sb_ws_poller_cork (fixture->poller); /* nested: only the outer uncork flushes */
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      sb_ws_connection_send_text (fixture->last_connection, texts[i], strlen (texts[i]));
      queued += 2 + strlen (texts[i]);
    }
  g_assert_cmpuint (sb_ws_connection_get_buffered_amount (fixture->last_connection), ==, queued);
  sb_ws_poller_uncork (fixture->poller);
  g_assert_cmpuint (sb_ws_connection_get_buffered_amount (fixture->last_connection), ==, queued);
  /* Nothing reached the socket yet. */
  g_assert_cmpint (
      g_socket_receive (g_socket_connection_get_socket (connection), &byte, 1, NULL, NULL), <, 0);

  sb_ws_poller_uncork (fixture->poller);
  g_assert_cmpuint (sb_ws_connection_get_buffered_amount (fixture->last_connection), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_assert_cmpuint (raw_receive (connection, payload), ==, SB_WS_OPCODE_TEXT);
      g_assert_cmpmem (payload->data, payload->len, texts[i], strlen (texts[i]));
    }

  /* Uncorked again, a frame leaves at once. */
  sb_ws_connection_send_text (fixture->last_connection, "fourth", 6);
  g_assert_cmpuint (sb_ws_connection_get_buffered_amount (fixture->last_connection), ==, 0);
  g_assert_cmpuint (raw_receive (connection, payload), ==, SB_WS_OPCODE_TEXT);
  g_assert_cmpmem (payload->data, payload->len, "fourth", 6);
}

/* A connection that closes while its frames wait for the uncork is dropped cleanly: its queue
 * goes with the socket and the uncork skips it. */
static void
test_cork_closed (Fixture *fixture, gconstpointer data)
{
  GSocketConnection *connection = raw_connect (fixture);

  while (fixture->n_accepted == 0)
    g_main_context_iteration (NULL, TRUE);

  sb_ws_poller_cork (fixture->poller);
  sb_ws_connection_send_text (fixture->last_connection, "lost", 4);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  g_object_unref (connection);
  /* The poller's own dispatch corks and uncorks inside ours and sees the EOF. */
  while (fixture->n_closed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (fixture->last_close_code, ==, 1006);
  g_assert_cmpuint (sb_ws_poller_get_n_connections (fixture->poller), ==, 0);
  sb_ws_poller_uncork (fixture->poller);
}

/* A message sent in parts arrives as one frame with the parts in order. */
static void
test_parts (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSocketConnection) connection = raw_connect (fixture);
  g_autoptr (GByteArray) payload = g_byte_array_new ();
  g_autofree char *big = g_strnfill (70000, 'v'); /* a 64-bit length in the header */
  g_autoptr (GBytes) head = g_bytes_new_static ("{\"venue\":\"", 10);
  g_autoptr (GBytes) venue = g_bytes_new_static (big, 70000);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) tail = g_bytes_new_static ("\"}", 2);
  GBytes *parts[] = { head, venue, empty, tail };

  while (fixture->n_accepted == 0)
    g_main_context_iteration (NULL, TRUE);

  sb_ws_connection_send_text_parts (fixture->last_connection, parts, G_N_ELEMENTS (parts));
  sb_ws_connection_send_text (fixture->last_connection, "next", 4);
  g_assert_cmpuint (raw_receive (connection, payload), ==, SB_WS_OPCODE_TEXT);
  g_assert_cmpuint (payload->len, ==, 10 + 70000 + 2);
  g_assert_cmpmem (payload->data, 10, "{\"venue\":\"", 10);
  g_assert_cmpmem (payload->data + 10, 70000, big, 70000);
  g_assert_cmpmem (payload->data + 10 + 70000, 2, "\"}", 2);
  g_assert_cmpuint (raw_receive (connection, payload), ==, SB_WS_OPCODE_TEXT);
  g_assert_cmpmem (payload->data, payload->len, "next", 4);
}

/* Issue 9 item 4: a client that sends its close frame while the server cannot flush to it (it
 * does not read) is released by the close timer, not held for good. */
static void
test_close_while_stuck (Fixture *fixture, gconstpointer data)
{
  g_autoptr (GSocketConnection) connection = raw_connect (fixture);
  g_autofree char *big = g_strnfill (60000, 's');
  gint64 deadline;

  while (fixture->n_accepted == 0)
    g_main_context_iteration (NULL, TRUE);

  /* Fill the kernel's buffers until the connection has to queue. */
  for (guint i = 0;
       i < 10000 && sb_ws_connection_get_buffered_amount (fixture->last_connection) == 0; i++)
    sb_ws_connection_send_text (fixture->last_connection, big, strlen (big));
  g_assert_cmpuint (sb_ws_connection_get_buffered_amount (fixture->last_connection), >, 0);

  raw_send (connection, 0x88, "\x03\xe8", 2); /* the client closes, and reads nothing more */

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (fixture->n_closed == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_cmpuint (fixture->last_close_code, ==, 1000);
  g_assert_cmpuint (sb_ws_poller_get_n_connections (fixture->poller), ==, 0);
}

/* Issue 9 item 7: another protocol version is answered with the one we speak (RFC 6455
 * section 4.4), not a bare 400. */
static void
test_other_version (Fixture *fixture, gconstpointer data)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/ws", fixture->port);
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  g_autoptr (GBytes) body = NULL;
  guint status;

  soup_message_headers_replace (headers, "Upgrade", "websocket");
  soup_message_headers_replace (headers, "Connection", "Upgrade");
  soup_message_headers_replace (headers, "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  soup_message_headers_replace (headers, "Sec-WebSocket-Version", "8");
  /* The server runs in this thread: send asynchronously and iterate. */
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_done_cb, &body);
  while (body == NULL)
    g_main_context_iteration (NULL, TRUE);
  status = soup_message_get_status (msg);
  g_assert_cmpuint (status, >=, 400);
  g_assert_cmpuint (status, <, 500);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                 "Sec-WebSocket-Version"),
                   ==, "13");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ws/echo", test_echo);
  ADD ("/ws/server-close-code", test_server_close_code);
  ADD ("/ws/too-big", test_too_big);
  ADD ("/ws/fragmented", test_fragmented);
  ADD ("/ws/protocol-errors", test_protocol_errors);
  ADD ("/ws/abrupt-disconnect", test_abrupt_disconnect);
  ADD ("/ws/cork", test_cork);
  ADD ("/ws/cork-closed", test_cork_closed);
  ADD ("/ws/parts", test_parts);
  ADD ("/ws/close-while-stuck", test_close_while_stuck);
  ADD ("/ws/other-version", test_other_version);
#undef ADD

  return g_test_run ();
}
