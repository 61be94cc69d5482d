/* fuzz-ws-connection.c: one server-side WebSocket connection (server/transport/sb-ws-connection.c
 * with the real frame decoder of sb-ws-frame.c) fed what a client sends, on a socketpair.
 *
 * Input: byte 0 picks the largest message the connection takes, byte 1 the size of the reads the
 * poller makes and byte 2 how many bytes the client writes at a time (or all at once), so frames
 * arrive whole, split anywhere, or many per read; the rest is the client's byte stream. The
 * connection answers like the server does: text is echoed as text, binary as a shared frame, and
 * messages starting with "close" or "drop" close it (the latter discarding what is queued). When
 * the stream is used up the client shuts down its side and the connection must notice.
 *
 * Checked on every input besides the sanitizers: closed () comes exactly once, after EOF at the
 * latest; everything the server wrote is a sequence of well-formed, unmasked frames with known
 * opcodes, at most one close frame and nothing after it, and the close frame carries a code a
 * server may send and a UTF-8 reason. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz-target.h"
#include "sb-ws-frame.h"
#include "sb-ws-private.h"

/* One poller per message size limit the input can pick (the limit is fixed at creation). */
static const gsize max_payloads[] = { 0, 1, 125, 126, 65535, 64 * 1024 };
static SbWsPoller *pollers[G_N_ELEMENTS (max_payloads)];
static SbWsPoller *poller;

typedef struct
{
  guint n_closed;
  GByteArray *sent; /* what the server wrote, read back by the client */
} State;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  /* The pollers only lend their cork and payload limit: connections made here are not in their
   * epoll sets, so the harness plays the poller's dispatch itself. */
  for (guint i = 0; i < G_N_ELEMENTS (max_payloads); i++)
    {
      g_autoptr (GError) error = NULL;

      pollers[i] = sb_ws_poller_new (max_payloads[i], &error);
      g_assert_no_error (error);
    }
  return 0;
}

static void
message_cb (SbWsConnection *connection,
            SbWsOpcode opcode,
            const char *data,
            gsize length,
            gpointer user_data)
{
  static const gushort codes[] = { 1000, 1001, 1008, 1011, 4000 };

  /* An empty message that came in fragments arrives as NULL and 0 (the server's handler passes
   * them to sb_request_parse (), which takes that); the echo below needs a pointer
   * (crashes/empty-fragmented-text: NULL + 0, then sb_ws_connection_send_text (NULL)). */
  if (data == NULL)
    data = "";
  if (length >= 5 && memcmp (data, "close", 5) == 0)
    {
      g_autofree char *reason = g_strndup (data + 5, length - 5);

      sb_ws_connection_close (connection, codes[length % G_N_ELEMENTS (codes)],
                              g_utf8_validate (reason, -1, NULL) ? reason : NULL);
    }
  else if (length >= 4 && memcmp (data, "drop", 4) == 0)
    sb_ws_connection_close_discarding (connection, 1008, "dropped");
  else if (opcode == SB_WS_OPCODE_TEXT)
    {
      /* Twice, the second in parts, as the server sends a snapshot. */
      g_autoptr (GBytes) head = g_bytes_new (data, length / 2);
      g_autoptr (GBytes) tail = g_bytes_new (data + length / 2, length - length / 2);
      GBytes *parts[] = { head, tail };

      sb_ws_connection_send_text (connection, data, length);
      sb_ws_connection_send_text_parts (connection, parts, G_N_ELEMENTS (parts));
    }
  else
    {
      g_autoptr (GBytes) frame = sb_ws_frame_encode (SB_WS_OPCODE_BINARY, data, length);

      sb_ws_connection_send_frame (connection, frame);
    }
}

static void
closed_cb (SbWsConnection *connection, gushort code, const char *reason, gpointer user_data)
{
  State *state = user_data;

  g_assert (reason != NULL);
  state->n_closed++;
}

/* The client reads everything the server has written so far. */
static void
drain (int fd, State *state)
{
  guint8 buffer[16384];
  gssize n;

  while ((n = recv (fd, buffer, sizeof buffer, MSG_DONTWAIT)) > 0)
    g_byte_array_append (state->sent, buffer, n);
  /* ECONNRESET: the server closed with the client's bytes unread (after its close frame, or a
   * protocol error), once everything it wrote had been read. */
  g_assert (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNRESET);
}

/* What the poller does on a wake-up: writable first, then readable, corked. */
static void
dispatch (SbWsConnection *connection, guint8 *scratch, gsize scratch_size)
{
  if (_sb_ws_connection_get_fd (connection) < 0)
    return;
  sb_ws_poller_cork (poller);
  if (_sb_ws_connection_handle_writable (connection))
    _sb_ws_connection_handle_readable (connection, scratch, scratch_size);
  sb_ws_poller_uncork (poller);
}

/* UTF-8 as RFC 6455 means it, U+0000 included: g_utf8_validate_len () refuses every NUL byte
 * (crashes/nul-in-text: a text message of six NULs, echoed correctly, failed the check). */
static gboolean
is_utf8 (const guint8 *data, gsize length)
{
  const guint8 *end = data + length;

  while (data < end)
    {
      const guint8 *nul = memchr (data, 0, end - data);
      const guint8 *segment_end = nul != NULL ? nul : end;

      if (!g_utf8_validate_len ((const char *) data, segment_end - data, NULL))
        return FALSE;
      data = nul != NULL ? nul + 1 : end;
    }
  return TRUE;
}

static void
check_server_stream (const GByteArray *sent)
{
  gsize position = 0;
  gboolean closed = FALSE;

  while (position < sent->len)
    {
      SbWsFrameHeader header;
      const guint8 *payload;

      g_assert (!closed); /* nothing after a close frame */
      g_assert (sb_ws_frame_decode_header (sent->data + position, sent->len - position, &header)
                == SB_WS_DECODE_OK);
      g_assert (!header.masked && header.rsv == 0 && header.fin);
      g_assert (header.payload_length <= sent->len - position - header.header_length);
      payload = sent->data + position + header.header_length;
      switch (header.opcode)
        {
          case SB_WS_OPCODE_TEXT:
            g_assert (is_utf8 (payload, header.payload_length));
            break;
          case SB_WS_OPCODE_BINARY:
          case SB_WS_OPCODE_PONG:
            break;
          case SB_WS_OPCODE_CLOSE:
            closed = TRUE;
            g_assert (header.payload_length != 1 && header.payload_length <= 125);
            if (header.payload_length >= 2)
              {
                gushort code = (gushort) ((payload[0] << 8) | payload[1]);

                g_assert (sb_ws_close_code_is_valid (code));
                g_assert (is_utf8 (payload + 2, header.payload_length - 2));
              }
            break;
          default:
            g_error ("the server sent opcode %u", header.opcode);
        }
      position += header.header_length + header.payload_length;
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* Small sizes cost a system call per byte or two: they are there, but not most of the time. */
  static const gsize scratch_sizes[] = { 65536, 65536, 4096, 4096, 126, 14, 3, 1 };
  static const gsize write_sizes[] = { 0, 0, 0, 0, 1000, 64, 5, 1 };
  static const SbWsConnectionCallbacks callbacks = {
    .message = message_cb,
    .closed = closed_cb,
  };
  g_autoptr (SbWsConnection) connection = NULL;
  g_autofree guint8 *scratch = NULL;
  State state = { 0 };
  gsize scratch_size, chunk, position = 0;
  int fds[2];

  /* Beyond 64 KiB the echoes could fill the socketpair within one dispatch, and the connection,
   * which is in no epoll set here, would ask the poller for EPOLLOUT in vain. */
  if (size < 3 || size > 3 + 64 * 1024)
    return 0;
  poller = pollers[data[0] % G_N_ELEMENTS (pollers)];
  scratch_size = scratch_sizes[data[1] % G_N_ELEMENTS (scratch_sizes)];
  chunk = write_sizes[data[2] % G_N_ELEMENTS (write_sizes)];
  data += 3;
  size -= 3;

  g_assert (socketpair (AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) == 0);
  scratch = g_malloc (scratch_size);
  state.sent = g_byte_array_new ();
  connection = _sb_ws_connection_new (poller, fds[0], "fuzz", NULL);
  sb_ws_connection_set_callbacks (connection, &callbacks, &state);

  while (position < size && _sb_ws_connection_get_fd (connection) >= 0)
    {
      gsize n = chunk == 0 ? size - position : MIN (chunk, size - position);
      gssize written = send (fds[1], data + position, n, MSG_NOSIGNAL);

      if (written < 0)
        {
          /* The socket is full: the server must read before the client can write more. */
          g_assert (errno == EAGAIN || errno == EWOULDBLOCK || errno == EPIPE);
          if (errno == EPIPE)
            break;
          written = 0;
        }
      position += written;
      dispatch (connection, scratch, scratch_size);
      drain (fds[1], &state);
    }

  /* The client is done: EOF, then whatever the server still had to say. Each wake-up reads at
   * least a byte of what is left (8 reads of 1 byte with the smallest scratch), so the connection
   * must have seen EOF after size + 1 of them (crashes/slow-reader-eof: 64 were too few). */
  shutdown (fds[1], SHUT_WR);
  for (gsize round = 0; round <= size && _sb_ws_connection_get_fd (connection) >= 0; round++)
    {
      dispatch (connection, scratch, scratch_size);
      drain (fds[1], &state);
    }
  g_assert (_sb_ws_connection_get_fd (connection) < 0);
  g_assert (state.n_closed == 1);
  drain (fds[1], &state);
  check_server_stream (state.sent);

  close (fds[1]);
  g_byte_array_unref (state.sent);
  return 0;
}
