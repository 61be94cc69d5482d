/* lg-ws.c: epoll-driven WebSocket client, see lg-ws.h. The bytes of a frame (header, mask,
 * opcodes, close codes) are the server's own frame library, sb-ws-frame.h; this file holds only
 * the client's side of the connection: connect, handshake, buffers and epoll.
 *
 * That costs nothing measurable (callgrind, BENCHMARKS.md "The load generator on the product's
 * code"): reading and decoding stay at 425–478 instructions per frame received in scenario c
 * (437 with the copy this replaced), sending a frame takes 787 instead of 747. */
#include "lg-ws.h"

#include "sb-ws-frame.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define WS_GUID "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
/* Frames from the server are at most a snapshot (an arena venue is a few hundred KiB); refuse
 * anything absurd rather than grow without bound. */
#define MAX_FRAME (64 * 1024 * 1024)
#define READ_CHUNK (64 * 1024)

typedef enum
{
  WS_CONNECTING,
  WS_TLS_HANDSHAKE, /* wss:// only */
  WS_HANDSHAKE,
  WS_OPEN,
} WsState;

struct _LgLoop
{
  int epfd;
  guint n_pending;
  /* One scratch buffer for all reads: a connection keeps a buffer of its own only while it holds
   * an incomplete frame, so 10,000 idle connections cost no buffers here. */
  GByteArray *scratch;
  /* wss://: one set of credentials for every connection, with no trust anchors: the load is only
   * ever sent to a loopback server whose certificate is the bench's own (never verified). */
  gnutls_certificate_credentials_t tls_credentials;
};

struct _LgWs
{
  LgLoop *loop;
  int fd;
  WsState state;
  guint32 epoll_events;
  const LgWsCallbacks *callbacks;
  gpointer user_data;
  char *accept_key;      /* expected Sec-WebSocket-Accept */
  GByteArray *in;        /* leftover bytes of an incomplete frame (or handshake) */
  GByteArray *out;       /* bytes the socket did not take yet */
  GByteArray *fragments; /* a fragmented message being reassembled */
  char *request;         /* the handshake request, until sent */
  gnutls_session_t tls;  /* wss:// only */
  gboolean tls_retry;    /* GnuTLS would block mid-record: the next send repeats it */
};

LgLoop *
lg_loop_new (GError **error)
{
  int epfd = epoll_create1 (EPOLL_CLOEXEC);

  if (epfd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "epoll_create1: %s",
                   g_strerror (saved));
      return NULL;
    }
  LgLoop *loop = g_new0 (LgLoop, 1);
  loop->epfd = epfd;
  loop->scratch = g_byte_array_sized_new (READ_CHUNK * 2);
  return loop;
}

void
lg_loop_free (LgLoop *loop)
{
  if (loop == NULL)
    return;
  close (loop->epfd);
  g_byte_array_unref (loop->scratch);
  if (loop->tls_credentials != NULL)
    gnutls_certificate_free_credentials (loop->tls_credentials);
  g_free (loop);
}

gboolean
lg_loop_use_tls (LgLoop *loop, GError **error)
{
  int ret = gnutls_certificate_allocate_credentials (&loop->tls_credentials);

  if (ret < 0)
    {
      loop->tls_credentials = NULL;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "GnuTLS credentials: %s",
                   gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

guint
lg_loop_get_n_pending (LgLoop *loop)
{
  return loop->n_pending;
}

static void
ws_update_events (LgWs *ws, guint32 events)
{
  if (ws->epoll_events == events)
    return;
  struct epoll_event ev = { .events = events, .data.ptr = ws };
  epoll_ctl (ws->loop->epfd, EPOLL_CTL_MOD, ws->fd, &ev);
  ws->epoll_events = events;
}

static void
ws_free (LgWs *ws)
{
  if (ws->state != WS_OPEN)
    ws->loop->n_pending--;
  if (ws->fd >= 0)
    {
      epoll_ctl (ws->loop->epfd, EPOLL_CTL_DEL, ws->fd, NULL);
      close (ws->fd);
    }
  if (ws->tls != NULL)
    gnutls_deinit (ws->tls);
  g_free (ws->accept_key);
  g_free (ws->request);
  if (ws->in != NULL)
    g_byte_array_unref (ws->in);
  if (ws->out != NULL)
    g_byte_array_unref (ws->out);
  if (ws->fragments != NULL)
    g_byte_array_unref (ws->fragments);
  g_free (ws);
}

static void
ws_fail (LgWs *ws, guint code, const char *reason)
{
  const LgWsCallbacks *callbacks = ws->callbacks;
  gpointer user_data = ws->user_data;

  if (ws->fd >= 0)
    {
      epoll_ctl (ws->loop->epfd, EPOLL_CTL_DEL, ws->fd, NULL);
      close (ws->fd);
      ws->fd = -1;
    }
  callbacks->closed (ws, code, reason, user_data);
  ws_free (ws);
}

LgWs *
lg_ws_connect (LgLoop *loop,
               const struct sockaddr_in *address,
               const char *host_header,
               const char *path,
               const LgWsCallbacks *callbacks,
               gpointer user_data,
               GError **error)
{
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socket: %s",
                   g_strerror (saved));
      return NULL;
    }

  /* Requests are small and latency is what is measured: do not let Nagle hold them back. */
  int one = 1;
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  if (connect (fd, (const struct sockaddr *) address, sizeof *address) < 0 && errno != EINPROGRESS)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "connect: %s",
                   g_strerror (saved));
      return NULL;
    }

  LgWs *ws = g_new0 (LgWs, 1);
  ws->loop = loop;
  ws->fd = fd;
  ws->state = WS_CONNECTING;
  ws->callbacks = callbacks;
  ws->user_data = user_data;

  guint8 nonce[16];
  for (guint i = 0; i < sizeof nonce; i += 4)
    {
      guint32 r = g_random_int ();
      memcpy (nonce + i, &r, 4);
    }
  g_autofree char *key = g_base64_encode (nonce, sizeof nonce);
  g_autofree char *concat = g_strconcat (key, WS_GUID, NULL);
  guint8 digest[20];
  gsize digest_len = sizeof digest;
  g_autoptr (GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_checksum_update (sha1, (const guchar *) concat, (gssize) strlen (concat));
  g_checksum_get_digest (sha1, digest, &digest_len);
  ws->accept_key = g_base64_encode (digest, digest_len);
  ws->request = g_strdup_printf ("GET %s HTTP/1.1\r\n"
                                 "Host: %s\r\n"
                                 "Upgrade: websocket\r\n"
                                 "Connection: Upgrade\r\n"
                                 "Sec-WebSocket-Key: %s\r\n"
                                 "Sec-WebSocket-Version: 13\r\n"
                                 "\r\n",
                                 path, host_header, key);

  struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = ws };
  ws->epoll_events = EPOLLOUT;
  epoll_ctl (loop->epfd, EPOLL_CTL_ADD, fd, &ev);
  loop->n_pending++;
  return ws;
}

/* send () or, over TLS, GnuTLS's: -1 with errno EAGAIN when it would block. A TLS record that
 * would block is repeated by the next call (GnuTLS wants the same bytes again: they are the head
 * of ws->out by then). */
static ssize_t
ws_send_raw (LgWs *ws, const guint8 *data, gsize len)
{
  ssize_t n;

  if (ws->tls == NULL)
    return send (ws->fd, data, len, MSG_NOSIGNAL);
  n = ws->tls_retry ? gnutls_record_send (ws->tls, NULL, 0)
                    : gnutls_record_send (ws->tls, data, len);
  ws->tls_retry = n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED;
  if (ws->tls_retry)
    errno = EAGAIN;
  else if (n < 0)
    errno = EPIPE;
  return n < 0 ? -1 : n;
}

static ssize_t
ws_recv_raw (LgWs *ws, guint8 *data, gsize len)
{
  ssize_t n;

  if (ws->tls == NULL)
    return recv (ws->fd, data, len, 0);
  n = gnutls_record_recv (ws->tls, data, len);
  if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
    errno = EAGAIN;
  else if (n == GNUTLS_E_PREMATURE_TERMINATION)
    return 0;
  else if (n < 0)
    errno = ECONNRESET;
  return n < 0 ? -1 : n;
}

/* Writes what the socket takes; keeps the rest in ws->out and asks for EPOLLOUT. */
static gboolean
ws_write (LgWs *ws, const guint8 *data, gsize len)
{
  if (ws->out != NULL && ws->out->len > 0)
    {
      g_byte_array_append (ws->out, data, (guint) len);
      return TRUE;
    }

  while (len > 0)
    {
      ssize_t n = ws_send_raw (ws, data, len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            break;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }

  if (len > 0)
    {
      if (ws->out == NULL)
        ws->out = g_byte_array_new ();
      g_byte_array_append (ws->out, data, (guint) len);
      ws_update_events (ws, EPOLLIN | EPOLLOUT);
    }
  return TRUE;
}

static gboolean
ws_flush (LgWs *ws)
{
  while (ws->out != NULL && ws->out->len > 0)
    {
      ssize_t n = ws_send_raw (ws, ws->out->data, ws->out->len);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            return TRUE;
          return FALSE;
        }
      g_byte_array_remove_range (ws->out, 0, (guint) n);
    }
  /* Drop the buffer: most connections send a few frames and then only listen. */
  if (ws->out != NULL)
    g_clear_pointer (&ws->out, g_byte_array_unref);
  ws_update_events (ws, EPOLLIN);
  return TRUE;
}

/* Sends one masked frame. One buffer and one send() per frame: header and payload in one TCP
 * segment. Returns FALSE when the socket failed. */
static gboolean
ws_send_frame (LgWs *ws, SbWsOpcode opcode, const void *payload, gsize len)
{
  guint32 mask_word = g_random_int ();
  guint8 mask[4];
  guint8 stack[1024];
  g_autofree guint8 *heap = NULL;
  guint8 *frame = stack;
  gsize size = sb_ws_frame_masked_size (len);

  memcpy (mask, &mask_word, 4);
  if (size > sizeof stack)
    frame = heap = g_malloc (size);
  sb_ws_frame_write_masked (frame, opcode, payload, len, mask);
  return ws_write (ws, frame, size);
}

void
lg_ws_send_text (LgWs *ws, const char *text, gsize len)
{
  g_return_if_fail (ws->state == WS_OPEN);

  /* Called from inside message handlers, so do not free ws here: shut the socket down and let the
   * read path report the end. */
  if (!ws_send_frame (ws, SB_WS_OPCODE_TEXT, text, len))
    shutdown (ws->fd, SHUT_RDWR);
}

void
lg_ws_abort (LgWs *ws)
{
  ws_free (ws);
}

gboolean
lg_ws_is_open (LgWs *ws)
{
  return ws->state == WS_OPEN;
}

/* Checks the 101 response. Returns the header length, 0 when incomplete, -1 on failure. */
static gssize
ws_parse_handshake (LgWs *ws, const guint8 *data, gsize len, const char **reason)
{
  const guint8 *end = NULL;

  for (gsize i = 3; i < len; i++)
    if (data[i] == '\n' && data[i - 1] == '\r' && data[i - 2] == '\n' && data[i - 3] == '\r')
      {
        end = data + i + 1;
        break;
      }
  if (end == NULL)
    {
      if (len > 16384)
        {
          *reason = "handshake response too long";
          return -1;
        }
      return 0;
    }

  g_autofree char *head = g_strndup ((const char *) data, (gsize) (end - data));
  if (!g_str_has_prefix (head, "HTTP/1.1 101"))
    {
      *reason = "server refused the WebSocket upgrade";
      return -1;
    }
  /* Header names are case-insensitive: look for the accept value on any line naming it. */
  g_auto (GStrv) lines = g_strsplit (head, "\r\n", -1);
  gboolean accepted = FALSE;
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (g_ascii_strncasecmp (lines[i], "Sec-WebSocket-Accept:", 21) == 0)
        accepted = strcmp (g_strstrip (lines[i] + 21), ws->accept_key) == 0;
      else if (g_ascii_strncasecmp (lines[i], "Sec-WebSocket-Extensions:", 25) == 0)
        {
          *reason = "server answered with an extension the client did not offer";
          return -1;
        }
    }
  if (!accepted)
    {
      *reason = "bad Sec-WebSocket-Accept";
      return -1;
    }
  return end - data;
}

/* Handles the frames in data[0..len). Returns the bytes consumed, or -1 when the connection ended
 * (ws is freed then). */
static gssize
ws_parse_frames (LgWs *ws, const guint8 *data, gsize len, gint64 now_us)
{
  gsize pos = 0;
  SbWsFrameHeader header;

  /* Most reads end on a frame boundary: stop there rather than ask the decoder about 0 bytes. */
  while (pos < len)
    {
      switch (sb_ws_frame_decode_header (data + pos, len - pos, &header))
        {
          case SB_WS_DECODE_INCOMPLETE:
            return (gssize) pos;
          case SB_WS_DECODE_INVALID:
            ws_fail (ws, SB_WS_CLOSE_PROTOCOL_ERROR, "invalid frame from the server");
            return -1;
          case SB_WS_DECODE_OK:
          default:
            break;
        }
      if (header.masked)
        {
          ws_fail (ws, SB_WS_CLOSE_PROTOCOL_ERROR, "masked frame from the server");
          return -1;
        }
      if (header.payload_length > MAX_FRAME)
        {
          ws_fail (ws, SB_WS_CLOSE_TOO_BIG, "frame from the server too large");
          return -1;
        }
      gsize plen = (gsize) header.payload_length;
      if (len - pos < header.header_length + plen)
        return (gssize) pos;

      const guint8 *payload = data + pos + header.header_length;
      pos += header.header_length + plen;

      switch ((SbWsOpcode) header.opcode)
        {
          case SB_WS_OPCODE_TEXT:
          case SB_WS_OPCODE_BINARY: /* not in the protocol, but pass it on rather than hide it */
          case SB_WS_OPCODE_CONTINUATION:
            if (header.fin && header.opcode != SB_WS_OPCODE_CONTINUATION && ws->fragments == NULL)
              ws->callbacks->message (ws, (const char *) payload, plen, now_us, ws->user_data);
            else
              {
                if (ws->fragments == NULL)
                  ws->fragments = g_byte_array_new ();
                g_byte_array_append (ws->fragments, payload, (guint) plen);
                if (header.fin)
                  {
                    g_autoptr (GByteArray) whole = g_steal_pointer (&ws->fragments);
                    ws->callbacks->message (ws, (const char *) whole->data, whole->len, now_us,
                                            ws->user_data);
                  }
              }
            break;
          case SB_WS_OPCODE_CLOSE: /* echo the code and end */
            {
              guint code
                  = plen >= 2 ? ((guint) payload[0] << 8 | payload[1]) : SB_WS_CLOSE_NO_STATUS;
              g_autofree char *reason
                  = plen > 2 ? g_strndup ((const char *) payload + 2, plen - 2) : NULL;
              ws_send_frame (ws, SB_WS_OPCODE_CLOSE, payload, MIN (plen, 2));
              ws_fail (ws, code, reason != NULL ? reason : "closed by the server");
              return -1;
            }
          case SB_WS_OPCODE_PING:
            ws_send_frame (ws, SB_WS_OPCODE_PONG, payload, plen);
            break;
          case SB_WS_OPCODE_PONG:
          default:
            break;
        }
    }
  return (gssize) pos;
}

/* FALSE when the connection ended (ws is freed then). */
static gboolean
ws_handle_readable (LgWs *ws, gint64 now_us)
{
  /* Read into the shared scratch buffer, unless a frame is incomplete: then read straight into the
   * connection's own buffer behind it, so that a 400 KB snapshot arriving in 64 KiB pieces is not
   * copied again for every piece. */
  gboolean own = ws->in != NULL && ws->in->len > 0;
  GByteArray *buf = own ? ws->in : ws->loop->scratch;
  gsize have = own ? buf->len : 0;

  g_byte_array_set_size (buf, (guint) (have + READ_CHUNK));

  ssize_t n;
  do
    n = ws_recv_raw (ws, buf->data + have, READ_CHUNK);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    {
      g_byte_array_set_size (buf, (guint) have);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return TRUE;
      ws_fail (ws, SB_WS_CLOSE_ABNORMAL,
               n == 0 ? "connection closed without a close frame" : g_strerror (errno));
      return FALSE;
    }
  have += (gsize) n;
  g_byte_array_set_size (buf, (guint) have);

  const guint8 *data = buf->data;
  gsize consumed = 0;

  if (ws->state == WS_HANDSHAKE)
    {
      const char *reason = NULL;
      gssize head = ws_parse_handshake (ws, data, have, &reason);
      if (head < 0)
        {
          ws_fail (ws, SB_WS_CLOSE_ABNORMAL, reason);
          return FALSE;
        }
      if (head == 0)
        goto keep;
      consumed = (gsize) head;
      ws->state = WS_OPEN;
      ws->loop->n_pending--;
      ws->callbacks->opened (ws, now_us, ws->user_data);
    }

  {
    gssize used = ws_parse_frames (ws, data + consumed, have - consumed, now_us);
    if (used < 0)
      return FALSE;
    consumed += (gsize) used;
  }

keep:
  if (consumed == have)
    {
      /* Idle connections keep no buffer. */
      if (ws->in != NULL)
        g_clear_pointer (&ws->in, g_byte_array_unref);
    }
  else if (own)
    g_byte_array_remove_range (ws->in, 0, (guint) consumed);
  else
    {
      ws->in = g_byte_array_sized_new ((guint) (have - consumed));
      g_byte_array_append (ws->in, data + consumed, (guint) (have - consumed));
    }
  return TRUE;
}

static void
ws_send_upgrade (LgWs *ws)
{
  ws->state = WS_HANDSHAKE;
  g_autofree char *request = g_steal_pointer (&ws->request);
  ws_update_events (ws, EPOLLIN);
  if (!ws_write (ws, (const guint8 *) request, strlen (request)))
    ws_fail (ws, SB_WS_CLOSE_ABNORMAL, "sending the handshake failed");
}

/* Drives the TLS handshake without blocking; the upgrade request follows it. */
static void
ws_continue_tls (LgWs *ws)
{
  int ret = gnutls_handshake (ws->tls);

  if (ret == GNUTLS_E_AGAIN || ret == GNUTLS_E_INTERRUPTED)
    ws_update_events (ws, gnutls_record_get_direction (ws->tls) ? EPOLLOUT : EPOLLIN);
  else if (ret < 0)
    ws_fail (ws, SB_WS_CLOSE_ABNORMAL, gnutls_strerror (ret));
  else
    ws_send_upgrade (ws);
}

static void
ws_handle_connected (LgWs *ws)
{
  int err = 0;
  socklen_t err_len = sizeof err;

  getsockopt (ws->fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err != 0)
    {
      ws_fail (ws, SB_WS_CLOSE_ABNORMAL, g_strerror (err));
      return;
    }
  if (ws->loop->tls_credentials == NULL)
    {
      ws_send_upgrade (ws);
      return;
    }
  ws->state = WS_TLS_HANDSHAKE;
  if (gnutls_init (&ws->tls, GNUTLS_CLIENT | GNUTLS_NONBLOCK) < 0
      || gnutls_set_default_priority (ws->tls) < 0
      || gnutls_credentials_set (ws->tls, GNUTLS_CRD_CERTIFICATE, ws->loop->tls_credentials) < 0)
    {
      ws_fail (ws, SB_WS_CLOSE_ABNORMAL, "cannot set up a TLS session");
      return;
    }
  gnutls_transport_set_int (ws->tls, ws->fd);
  ws_continue_tls (ws);
}

int
lg_loop_iterate (LgLoop *loop, int timeout_ms)
{
  struct epoll_event events[512];
  int n = epoll_wait (loop->epfd, events, G_N_ELEMENTS (events), timeout_ms);

  if (n <= 0)
    return 0;

  for (int i = 0; i < n; i++)
    {
      LgWs *ws = events[i].data.ptr;
      guint32 ev = events[i].events;

      if (ws->state == WS_CONNECTING)
        {
          ws_handle_connected (ws);
          continue;
        }
      if (ws->state == WS_TLS_HANDSHAKE)
        {
          ws_continue_tls (ws);
          continue;
        }
      /* Write first: a failed flush frees ws. */
      if ((ev & EPOLLOUT) != 0 && !ws_flush (ws))
        {
          ws_fail (ws, SB_WS_CLOSE_ABNORMAL, "send failed");
          continue;
        }
      /* The time is taken per read, not per batch: it is the receive time of lag figures. Over
       * TLS, GnuTLS may hold decrypted records that epoll cannot see: read until it holds none. */
      if ((ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0)
        while (ws_handle_readable (ws, g_get_monotonic_time ()) && ws->tls != NULL
               && gnutls_record_check_pending (ws->tls) > 0)
          ;
    }
  return n;
}
