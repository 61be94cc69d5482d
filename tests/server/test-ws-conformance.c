/* A conformance suite for the server's WebSocket transport (RFC 6455), modelled on the sections
 * of Autobahn|Testsuite that apply to a server: 1 framing, 2 pings and pongs, 3 reserved bits,
 * 4 opcodes, 5 fragmentation, 6 UTF-8, 7 closing, 9 limits. The server (SoupServer upgrade +
 * SbWsPoller, echoing every message) runs in a thread of its own; the client is a blocking
 * socket writing bytes by hand, so it can send what no library would. Where RFC 6455 leaves a
 * choice, the expectation here is the one docs/protocol.md writes down. */

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "sb-ws-poller.h"

#define MAX_PAYLOAD (64 * 1024) /* as SB_MAX_FRAME_BYTES */
#define RECEIVE_TIMEOUT_S 20    /* only stops hangs */

static guint server_port;

/* ---- the echo server, in its own thread ---- */

static void
echo_message_cb (SbWsConnection *connection,
                 SbWsOpcode opcode,
                 const char *data,
                 gsize length,
                 gpointer user_data)
{
  g_autoptr (GBytes) frame = sb_ws_frame_encode (opcode, data, length);

  sb_ws_connection_send_frame (connection, frame);
}

static void
accept_cb (SbWsPoller *poller, SbWsConnection *connection, gpointer user_data)
{
  static const SbWsConnectionCallbacks callbacks = { .message = echo_message_cb };

  sb_ws_connection_set_callbacks (connection, &callbacks, NULL);
}

static void
ws_handler (SoupServer *server,
            SoupServerMessage *msg,
            const char *path,
            GHashTable *query,
            gpointer user_data)
{
  sb_ws_poller_handle_upgrade (user_data, msg);
}

typedef struct
{
  GMutex mutex;
  GCond cond;
  guint port;
} Started;

static gpointer
server_thread (gpointer data)
{
  Started *started = data;
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (SbWsPoller) poller = NULL;
  g_autoptr (SoupServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  GSList *uris;

  g_main_context_push_thread_default (context);
  poller = sb_ws_poller_new (MAX_PAYLOAD, &error);
  g_assert_no_error (error);
  sb_ws_poller_set_accept_func (poller, accept_cb, NULL);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, "/ws", ws_handler, poller, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);

  g_mutex_lock (&started->mutex);
  started->port = g_uri_get_port (uris->data);
  g_cond_signal (&started->cond);
  g_mutex_unlock (&started->mutex);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Runs until the test process exits. */
  loop = g_main_loop_new (context, FALSE);
  g_main_loop_run (loop);
  return NULL;
}

static void
start_server (void)
{
  Started started = { 0 };

  g_mutex_init (&started.mutex);
  g_cond_init (&started.cond);
  g_mutex_lock (&started.mutex);
  g_thread_unref (g_thread_new ("echo-server", server_thread, &started));
  while (started.port == 0)
    g_cond_wait (&started.cond, &started.mutex);
  g_mutex_unlock (&started.mutex);
  server_port = started.port;
}

/* ---- the hand-made client ---- */

static void
send_all (int fd, const void *data, gsize length)
{
  const guint8 *p = data;

  while (length > 0)
    {
      gssize n = send (fd, p, length, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      /* The server closed: what it sent before says whether it was right to. */
      if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
        return;
      g_assert_cmpint (n, >, 0);
      p += n;
      length -= n;
    }
}

/* Returns FALSE at the end of the stream. */
static gboolean
receive_exact (int fd, guint8 *out, gsize length)
{
  while (length > 0)
    {
      gssize n = recv (fd, out, length, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == ECONNRESET)
        return FALSE;
      if (n < 0)
        g_error ("no data from the server within %d s: %s", RECEIVE_TIMEOUT_S, g_strerror (errno));
      if (n == 0)
        return FALSE;
      out += n;
      length -= n;
    }
  return TRUE;
}

static int
ws_connect (void)
{
  struct sockaddr_in address = { 0 };
  struct timeval timeout = { RECEIVE_TIMEOUT_S, 0 };
  int one = 1;
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  g_autofree char *request = NULL;
  GString *response = g_string_new (NULL);

  address.sin_family = AF_INET;
  address.sin_port = g_htons (server_port);
  address.sin_addr.s_addr = g_htonl (INADDR_LOOPBACK);
  g_assert_cmpint (connect (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
  setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  request
      = g_strdup_printf ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n",
                         server_port);
  send_all (fd, request, strlen (request));
  while (strstr (response->str, "\r\n\r\n") == NULL)
    {
      guint8 c;
      g_assert_true (receive_exact (fd, &c, 1));
      g_string_append_c (response, (char) c);
    }
  g_assert_true (g_str_has_prefix (response->str, "HTTP/1.1 101"));
  g_string_free (response, TRUE);
  return fd;
}

typedef enum
{
  LENGTH_MINIMAL,
  LENGTH_16,   /* 126 + 16 bits, even when shorter would do */
  LENGTH_64,   /* 127 + 64 bits, even when shorter would do */
  LENGTH_HUGE, /* 127 + 64 bits with the most significant bit set */
} LengthEncoding;

typedef struct
{
  gboolean not_fin;
  guint8 rsv;
  gboolean unmasked;
  LengthEncoding length_encoding;
} FrameOptions;

static GByteArray *
make_frame (guint8 opcode, const void *payload, gsize length, const FrameOptions *options)
{
  static const FrameOptions defaults = { 0 };
  const guint8 mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
  GByteArray *frame = g_byte_array_new ();
  guint8 header[14];
  gsize n = 0;
  LengthEncoding encoding;

  if (options == NULL)
    options = &defaults;
  encoding = options->length_encoding;
  if (encoding == LENGTH_MINIMAL)
    encoding = length < 126 ? LENGTH_MINIMAL : length <= G_MAXUINT16 ? LENGTH_16 : LENGTH_64;

  header[n++] = (options->not_fin ? 0 : 0x80) | ((options->rsv & 7) << 4) | (opcode & 0x0F);
  switch (encoding)
    {
      case LENGTH_MINIMAL:
        header[n++] = (guint8) length;
        break;
      case LENGTH_16:
        header[n++] = 126;
        header[n++] = (guint8) (length >> 8);
        header[n++] = (guint8) length;
        break;
      case LENGTH_64:
      case LENGTH_HUGE:
        header[n++] = 127;
        for (guint i = 0; i < 8; i++)
          header[n++] = (guint8) ((guint64) length >> (56 - 8 * i));
        if (encoding == LENGTH_HUGE)
          header[2] |= 0x80;
        break;
    }
  if (!options->unmasked)
    {
      header[1] |= 0x80;
      memcpy (header + n, mask, 4);
      n += 4;
    }
  g_byte_array_append (frame, header, n);
  for (gsize i = 0; i < length; i++)
    {
      guint8 b = ((const guint8 *) payload)[i] ^ (options->unmasked ? 0 : mask[i & 3]);
      g_byte_array_append (frame, &b, 1);
    }
  return frame;
}

/* Sends a frame in writes of chop bytes (0: one write). */
static void
send_frame_chopped (int fd,
                    guint8 opcode,
                    const void *payload,
                    gsize length,
                    const FrameOptions *options,
                    gsize chop)
{
  g_autoptr (GByteArray) frame = make_frame (opcode, payload, length, options);

  if (chop == 0)
    chop = frame->len;
  for (gsize offset = 0; offset < frame->len; offset += chop)
    send_all (fd, frame->data + offset, MIN (chop, frame->len - offset));
}

static void
send_frame (int fd, guint8 opcode, const void *payload, gsize length)
{
  send_frame_chopped (fd, opcode, payload, length, NULL, 0);
}

static void
send_text (int fd, const char *text)
{
  send_frame (fd, 0x1, text, strlen (text));
}

static void
send_fragment (int fd, guint8 opcode, const char *text, gboolean fin)
{
  FrameOptions options = { .not_fin = !fin };

  send_frame_chopped (fd, opcode, text, strlen (text), &options, 0);
}

/* The next server frame; FALSE at the end of the stream. */
static gboolean
receive_frame (int fd, guint8 *out_opcode, GByteArray *payload)
{
  guint8 header[2];
  guint64 length;

  if (!receive_exact (fd, header, 2))
    return FALSE;
  g_assert_cmpuint (header[0] & 0x80, ==, 0x80); /* the server does not fragment */
  g_assert_cmpuint (header[0] & 0x70, ==, 0);    /* nor set reserved bits */
  g_assert_cmpuint (header[1] & 0x80, ==, 0);    /* nor mask */
  length = header[1] & 0x7F;
  if (length >= 126)
    {
      guint8 extended[8];
      guint size = length == 126 ? 2 : 8;

      g_assert_true (receive_exact (fd, extended, size));
      length = 0;
      for (guint i = 0; i < size; i++)
        length = (length << 8) | extended[i];
    }
  *out_opcode = header[0] & 0x0F;
  g_byte_array_set_size (payload, length);
  return length == 0 || receive_exact (fd, payload->data, length);
}

static void
expect_frame (int fd, guint8 opcode, const void *data, gsize length)
{
  g_autoptr (GByteArray) payload = g_byte_array_new ();
  guint8 got;

  g_assert_true (receive_frame (fd, &got, payload));
  g_assert_cmpuint (got, ==, opcode);
  g_assert_cmpmem (payload->data, payload->len, data, length);
}

static void
expect_text (int fd, const char *text)
{
  expect_frame (fd, 0x1, text, strlen (text));
}

static void
expect_eof (int fd)
{
  guint8 byte;

  g_assert_false (receive_exact (fd, &byte, 1));
}

/* The server closes with code (0: a close frame without a code), answers our close, ends the
 * stream; nothing else comes first. */
static void
expect_close (int fd, gushort code)
{
  g_autoptr (GByteArray) payload = g_byte_array_new ();
  guint8 opcode;

  g_assert_true (receive_frame (fd, &opcode, payload));
  g_assert_cmpuint (opcode, ==, 0x8);
  if (code == 0)
    g_assert_cmpuint (payload->len, ==, 0);
  else
    {
      g_assert_cmpuint (payload->len, >=, 2);
      g_assert_cmpuint ((payload->data[0] << 8) | payload->data[1], ==, code);
      g_assert_true (
          g_utf8_validate_len ((const char *) payload->data + 2, payload->len - 2, NULL));
    }
  /* Our answer, for when the server started the closing handshake; when we did, the server
   * may have closed already and this send fails, which is fine. */
  {
    g_autoptr (GByteArray) frame = make_frame (0x8, "\x03\xe8", 2, NULL);
    gssize sent = send (fd, frame->data, frame->len, MSG_NOSIGNAL);
    (void) sent;
  }
  expect_eof (fd);
  close (fd);
}

/* Sends one frame on a fresh connection and expects the server to fail it with code. */
static void
expect_failure (
    guint8 opcode, const void *payload, gsize length, const FrameOptions *options, gushort code)
{
  int fd = ws_connect ();

  send_frame_chopped (fd, opcode, payload, length, options, 0);
  expect_close (fd, code);
}

static void
finish (int fd)
{
  send_frame (fd, 0x8, "\x03\xe8", 2);
  expect_close (fd, 1000);
}

/* ---- 1 framing ---- */

static void
test_framing_lengths (void)
{
  const gsize lengths[] = { 0, 1, 125, 126, 127, 128, 1000, 65535, 65536 };
  int fd = ws_connect ();

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *text = g_strnfill (lengths[i], '*');
      g_autofree guint8 *binary = g_malloc (lengths[i] + 1);

      for (gsize j = 0; j < lengths[i]; j++)
        binary[j] = (guint8) (j * 7);
      send_frame (fd, 0x1, text, lengths[i]);
      expect_frame (fd, 0x1, text, lengths[i]);
      send_frame (fd, 0x2, binary, lengths[i]);
      expect_frame (fd, 0x2, binary, lengths[i]);
    }
  finish (fd);
}

static void
test_framing_chopped (void)
{
  g_autofree char *text = g_strnfill (65536, 'c');
  int fd = ws_connect ();

  /* Autobahn 1.1.8 / 1.2.8: a large message written in small chunks, and a short one in
   * single bytes (the header arrives a byte at a time too). */
  send_frame_chopped (fd, 0x1, text, 65536, NULL, 997);
  expect_frame (fd, 0x1, text, 65536);
  send_frame_chopped (fd, 0x1, text, 300, NULL, 1);
  expect_frame (fd, 0x1, text, 300);
  finish (fd);
}

/* ---- 2 pings and pongs ---- */

static void
test_pings (void)
{
  guint8 payload[125];
  int fd = ws_connect ();

  for (guint i = 0; i < sizeof payload; i++)
    payload[i] = (guint8) (255 - i);
  send_frame (fd, 0x9, "", 0);
  expect_frame (fd, 0xA, "", 0);
  send_frame (fd, 0x9, payload, sizeof payload);
  expect_frame (fd, 0xA, payload, sizeof payload);
  send_frame_chopped (fd, 0x9, "chopped", 7, NULL, 1);
  expect_frame (fd, 0xA, "chopped", 7);
  /* An unsolicited pong is ignored: the echo is the next thing to come. */
  send_frame (fd, 0xA, "unsolicited", 11);
  send_text (fd, "after pong");
  expect_text (fd, "after pong");
  /* Ten pings, ten pongs, in order. */
  for (guint i = 0; i < 10; i++)
    {
      char text[8];
      g_snprintf (text, sizeof text, "p%u", i);
      send_frame (fd, 0x9, text, strlen (text));
    }
  for (guint i = 0; i < 10; i++)
    {
      char text[8];
      g_snprintf (text, sizeof text, "p%u", i);
      expect_frame (fd, 0xA, text, strlen (text));
    }
  finish (fd);
}

static void
test_ping_too_long (void)
{
  guint8 payload[126] = { 0 };
  FrameOptions fragmented = { .not_fin = TRUE };

  expect_failure (0x9, payload, sizeof payload, NULL, 1002);
  expect_failure (0x9, "frag", 4, &fragmented, 1002);
  expect_failure (0xA, "frag", 4, &fragmented, 1002);
}

/* ---- 3 reserved bits ---- */

static void
test_reserved_bits (void)
{
  for (guint8 rsv = 1; rsv <= 7; rsv++)
    {
      FrameOptions options = { .rsv = rsv };
      int fd = ws_connect ();

      /* A good frame first: it is answered before the bad one fails the connection. */
      send_text (fd, "good");
      send_frame_chopped (fd, rsv % 2 ? 0x1 : 0x9, "bad", 3, &options, 0);
      expect_text (fd, "good");
      expect_close (fd, 1002);
    }
}

/* ---- 4 opcodes ---- */

static void
test_reserved_opcodes (void)
{
  const guint8 opcodes[] = { 0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF };

  for (guint i = 0; i < G_N_ELEMENTS (opcodes); i++)
    {
      expect_failure (opcodes[i], "", 0, NULL, 1002);
      expect_failure (opcodes[i], "payload", 7, NULL, 1002);
    }
}

/* ---- 5 fragmentation ---- */

static void
test_fragments (void)
{
  int fd = ws_connect ();
  const char *text = "Hello, fragmented world";
  char one[2] = { 0 };

  send_fragment (fd, 0x1, "frag", FALSE);
  send_fragment (fd, 0x0, "ment", TRUE);
  expect_text (fd, "fragment");

  /* Control frames in between are answered at once. */
  send_fragment (fd, 0x1, "a", FALSE);
  send_frame (fd, 0x9, "in between", 10);
  send_fragment (fd, 0x0, "b", FALSE);
  send_frame (fd, 0xA, "ignored", 7);
  send_fragment (fd, 0x0, "c", TRUE);
  expect_frame (fd, 0xA, "in between", 10);
  expect_text (fd, "abc");

  /* One byte per fragment (Autobahn 5.x), and the binary opcode. */
  for (gsize i = 0; text[i] != '\0'; i++)
    {
      one[0] = text[i];
      send_fragment (fd, i == 0 ? 0x1 : 0x0, one, text[i + 1] == '\0');
    }
  expect_text (fd, text);
  send_fragment (fd, 0x2, "\x01", FALSE);
  send_fragment (fd, 0x0, "\x02", TRUE);
  expect_frame (fd, 0x2, "\x01\x02", 2);

  /* Empty fragments. */
  send_fragment (fd, 0x1, "", FALSE);
  send_fragment (fd, 0x0, "", FALSE);
  send_fragment (fd, 0x0, "", TRUE);
  expect_text (fd, "");

  /* 1,000 one-byte fragments, each written a byte at a time. */
  {
    g_autofree char *long_text = g_strnfill (1000, 'q');
    for (guint i = 0; i < 1000; i++)
      {
        FrameOptions options = { .not_fin = i < 999 };
        send_frame_chopped (fd, i == 0 ? 0x1 : 0x0, "q", 1, &options, 1);
      }
    expect_text (fd, long_text);
  }
  finish (fd);
}

static void
test_fragment_errors (void)
{
  FrameOptions fragmented = { .not_fin = TRUE };

  /* Continuation without a message, final or not. */
  expect_failure (0x0, "orphan", 6, NULL, 1002);
  expect_failure (0x0, "orphan", 6, &fragmented, 1002);
  /* A new message inside a fragmented one. */
  {
    int fd = ws_connect ();
    send_fragment (fd, 0x1, "first", FALSE);
    send_fragment (fd, 0x1, "second", TRUE);
    expect_close (fd, 1002);
  }
  /* A fragmented close. */
  expect_failure (0x8, "\x03\xe8", 2, &fragmented, 1002);
}

/* ---- 6 UTF-8 ---- */

static const char *const valid_utf8[] = {
  "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", /* κόσμε */
  "\x7f",
  "\xc2\x80",
  "\xdf\xbf",
  "\xe0\xa0\x80",
  "\xef\xbf\xbd", /* U+FFFD */
  "\xef\xbf\xbf", /* U+FFFF, a noncharacter but valid UTF-8 */
  "\xf0\x90\x80\x80",
  "\xf4\x8f\xbf\xbf", /* U+10FFFF */
  "\xed\x9f\xbf",     /* U+D7FF, just below the surrogates */
};

static const char *const invalid_utf8[] = {
  "\xce\xba\xe1\xbd", /* κόσμε cut in the middle of a character */
  "\x80",             /* a lone continuation byte */
  "\xc0\xaf",         /* overlong '/' */
  "\xe0\x80\xaf",     /* overlong '/' */
  "\xf0\x80\x80\xaf", /* overlong '/' */
  "\xed\xa0\x80",     /* U+D800, a surrogate */
  "\xed\xbf\xbf",     /* U+DFFF */
  "\xf4\x90\x80\x80", /* above U+10FFFF */
  "\xfe",             /* never in UTF-8 */
  "\xff",
  /* κόσμε, then a surrogate, then ASCII (split so that "e" is not read as a hex digit) */
  ("\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80"
   "edited"),
};

static void
test_utf8_valid (void)
{
  int fd = ws_connect ();
  const char nul_text[] = "before\0after";

  for (guint i = 0; i < G_N_ELEMENTS (valid_utf8); i++)
    {
      send_text (fd, valid_utf8[i]);
      expect_text (fd, valid_utf8[i]);
    }
  /* U+0000 is a character like any other (issue 9 item 5). */
  send_frame (fd, 0x1, nul_text, sizeof nul_text - 1);
  expect_frame (fd, 0x1, nul_text, sizeof nul_text - 1);

  /* Valid UTF-8 split anywhere across fragments, even inside a character. */
  for (guint i = 0; i < G_N_ELEMENTS (valid_utf8); i++)
    {
      const char *text = valid_utf8[i];
      gsize length = strlen (text);

      for (gsize split = 1; split < length; split++)
        {
          g_autofree char *head = g_strndup (text, split);
          send_fragment (fd, 0x1, head, FALSE);
          send_fragment (fd, 0x0, text + split, TRUE);
          expect_text (fd, text);
        }
      for (gsize j = 0; j < length; j++)
        {
          char one[2] = { text[j], 0 };
          send_fragment (fd, j == 0 ? 0x1 : 0x0, one, j + 1 == length);
        }
      expect_text (fd, text);
    }
  finish (fd);
}

static void
test_utf8_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid_utf8); i++)
    {
      const char *text = invalid_utf8[i];
      gsize length = strlen (text);

      /* Whole, ... */
      expect_failure (0x1, text, length, NULL, 1007);
      /* ... and split after its first byte: the message as a whole is what counts. */
      if (length > 1)
        {
          int fd = ws_connect ();
          g_autofree char *head = g_strndup (text, 1);
          send_fragment (fd, 0x1, head, FALSE);
          send_fragment (fd, 0x0, text + 1, TRUE);
          expect_close (fd, 1007);
        }
    }
  /* Binary messages are not checked. */
  {
    int fd = ws_connect ();
    send_frame (fd, 0x2, "\xff\xfe", 2);
    expect_frame (fd, 0x2, "\xff\xfe", 2);
    finish (fd);
  }
}

/* ---- 7 closing ---- */

static void
send_close (int fd, gushort code, const char *reason, gsize reason_length)
{
  g_autofree guint8 *payload = g_malloc (2 + reason_length);

  payload[0] = (guint8) (code >> 8);
  payload[1] = (guint8) code;
  memcpy (payload + 2, reason, reason_length);
  send_frame (fd, 0x8, payload, 2 + reason_length);
}

static void
test_close_codes (void)
{
  /* RFC 6455 section 7.4 plus the IANA registry: 1012-1014 are valid (docs/protocol.md). */
  const gushort valid[] = { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010,
                            1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999 };
  const gushort invalid[] = { 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535 };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      int fd = ws_connect ();
      send_close (fd, valid[i], "", 0);
      expect_close (fd, valid[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      int fd = ws_connect ();
      send_close (fd, invalid[i], "", 0);
      expect_close (fd, 1002);
    }
}

static void
test_close_frames (void)
{
  g_autofree char *reason = g_strnfill (123, 'r'); /* the most a control frame holds */
  const char nul_reason[] = "bye\0now";

  /* Empty close: answered with an empty close. */
  expect_failure (0x8, "", 0, NULL, 0);
  /* One byte: no room for a code. */
  expect_failure (0x8, "\x03", 1, NULL, 1002);
  {
    int fd = ws_connect ();
    send_close (fd, 1000, reason, 123);
    expect_close (fd, 1000);
  }
  {
    int fd = ws_connect ();
    send_close (fd, 1000, "\xce\xba\xe1\xbd", 4); /* reason not UTF-8 */
    expect_close (fd, 1002);
  }
  {
    int fd = ws_connect ();
    send_close (fd, 1000, nul_reason, sizeof nul_reason - 1); /* NUL is UTF-8 (item 5) */
    expect_close (fd, 1000);
  }
  /* Nothing after the close frame is answered: the close comes back, then the end. */
  {
    int fd = ws_connect ();
    send_close (fd, 1000, "", 0);
    send_text (fd, "too late");
    send_frame (fd, 0x9, "too late", 8);
    expect_close (fd, 1000);
  }
  /* A message begun but not finished before the close is dropped. */
  {
    int fd = ws_connect ();
    send_fragment (fd, 0x1, "unfinished", FALSE);
    send_close (fd, 1000, "", 0);
    expect_close (fd, 1000);
  }
}

/* ---- 9 limits, and the length encodings RFC 6455 leaves open ---- */

static void
test_limits (void)
{
  g_autofree char *text = g_strnfill (MAX_PAYLOAD + 1, 'L');

  /* One frame over the limit. */
  expect_failure (0x1, text, MAX_PAYLOAD + 1, NULL, 1009);
  /* A message over the limit in fragments, each under it. */
  {
    int fd = ws_connect ();
    FrameOptions fragmented = { .not_fin = TRUE };
    send_frame_chopped (fd, 0x1, text, MAX_PAYLOAD / 2, &fragmented, 0);
    send_frame_chopped (fd, 0x0, text, MAX_PAYLOAD / 2 + 1, NULL, 0);
    expect_close (fd, 1009);
  }
  /* Exactly the limit, in 64 fragments. */
  {
    int fd = ws_connect ();
    gsize piece = MAX_PAYLOAD / 64;
    for (guint i = 0; i < 64; i++)
      {
        FrameOptions options = { .not_fin = i < 63 };
        send_frame_chopped (fd, i == 0 ? 0x1 : 0x0, text, piece, &options, 0);
      }
    expect_frame (fd, 0x1, text, MAX_PAYLOAD);
    finish (fd);
  }
}

static void
test_length_encodings (void)
{
  FrameOptions options = { 0 };

  /* The shortest length encoding is required (RFC 6455 section 5.2 says "minimal number of
   * bytes MUST be used"; Seatbook fails a frame that does otherwise, docs/protocol.md). */
  options.length_encoding = LENGTH_16;
  expect_failure (0x1, "short", 5, &options, 1002);
  options.length_encoding = LENGTH_64;
  expect_failure (0x1, "short", 5, &options, 1002);
  expect_failure (0x9, "", 0, &options, 1002);
  /* The most significant bit of a 64-bit length must be 0. */
  options.length_encoding = LENGTH_HUGE;
  expect_failure (0x1, "", 0, &options, 1002);
  /* Clients must mask. */
  options.length_encoding = LENGTH_MINIMAL;
  options.unmasked = TRUE;
  expect_failure (0x1, "unmasked", 8, &options, 1002);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  start_server ();

  g_test_add_func ("/conformance/1/lengths", test_framing_lengths);
  g_test_add_func ("/conformance/1/chopped", test_framing_chopped);
  g_test_add_func ("/conformance/2/pings", test_pings);
  g_test_add_func ("/conformance/2/bad-control-frames", test_ping_too_long);
  g_test_add_func ("/conformance/3/reserved-bits", test_reserved_bits);
  g_test_add_func ("/conformance/4/reserved-opcodes", test_reserved_opcodes);
  g_test_add_func ("/conformance/5/fragments", test_fragments);
  g_test_add_func ("/conformance/5/fragment-errors", test_fragment_errors);
  g_test_add_func ("/conformance/6/utf8-valid", test_utf8_valid);
  g_test_add_func ("/conformance/6/utf8-invalid", test_utf8_invalid);
  g_test_add_func ("/conformance/7/close-codes", test_close_codes);
  g_test_add_func ("/conformance/7/close-frames", test_close_frames);
  g_test_add_func ("/conformance/9/limits", test_limits);
  g_test_add_func ("/conformance/9/length-encodings", test_length_encodings);

  return g_test_run ();
}
