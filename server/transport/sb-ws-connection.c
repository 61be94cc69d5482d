/* sb-ws-connection.c
 *
 * A connection holds no buffer while it is idle: incoming bytes are read into the poller's
 * scratch buffer and parsed there, and only an incomplete frame is kept. Outgoing frames are
 * GBytes, so one encoded broadcast is shared by every subscriber.
 *
 * Over TLS the same code runs, but bytes go through the GTlsConnection's pollable streams, non
 * blocking: a read loops until the TLS layer says it would block (it may hold decrypted bytes
 * that epoll cannot see), and a write that would block waits for EPOLLOUT (EPOLLIN is always
 * watched, should GnuTLS need to read first). GnuTLS wants a write that would block repeated
 * with the same bytes: the queue's head is unchanged until it is taken, and tls_pending keeps
 * close_discarding () from dropping what GnuTLS has already encrypted.
 */

#include "sb-ws-private.h"

#include <errno.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define READS_PER_WAKEUP 8
#define MAX_IOV 64
#define CLOSE_TIMEOUT_SECONDS 2
/* One TLS record's worth: a write over TLS gathers at most this much from the queue. */
#define TLS_WRITE_SIZE (16 * 1024)

typedef struct
{
  GBytes *bytes;
  gsize offset;
  gboolean frame_start; /* the first chunk of a frame (a frame may be several chunks) */
} OutChunk;

struct _SbWsConnection
{
  GObject parent_instance;

  SbWsPoller *poller; /* not owned: the poller outlives its connections */
  int fd;
  char *peer;

  GTlsConnection *tls; /* NULL for plain text */
  GPollableInputStream *tls_in;
  GPollableOutputStream *tls_out;
  gsize tls_pending; /* bytes of the queue's head GnuTLS took in a write that would block */

  GByteArray *partial;  /* bytes of an incomplete frame; NULL while idle */
  GByteArray *fragment; /* payload of a fragmented message so far */
  guint8 fragment_opcode;

  GQueue out; /* OutChunk */
  gsize out_bytes;
  gsize round_bytes; /* queued since the last flushed () callback */
  gboolean want_writable;
  gboolean deferred; /* on the corked poller's list, flushed at uncork */

  gboolean close_sent;
  gboolean close_received;
  gushort close_code;
  char *close_reason;
  guint close_timeout_id;

  /* Deadlines, all monotonic microseconds, checked by the poller's sweep. */
  gint64 last_received_us; /* any byte from the peer proves it alive */
  gint64 ping_sent_us;     /* keepalive ping outstanding since; 0 = none */
  gint64 partial_since_us; /* an incomplete frame or message is held since; 0 = none */
  gint64 deadline_us;      /* the owner's deadline; 0 = none */
  gsize held_bytes;        /* partial + fragment, as accounted with the poller's budget */

  SbWsConnectionCallbacks callbacks;
  gpointer callbacks_data;
};

G_DEFINE_FINAL_TYPE (SbWsConnection, sb_ws_connection, G_TYPE_OBJECT)

static void
out_chunk_free (OutChunk *chunk)
{
  g_bytes_unref (chunk->bytes);
  g_free (chunk);
}

static void
sb_ws_connection_finalize (GObject *object)
{
  SbWsConnection *self = SB_WS_CONNECTION (object);

  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  if (self->fd >= 0)
    close (self->fd);
  if (self->tls != NULL)
    g_io_stream_close (G_IO_STREAM (self->tls), NULL, NULL);
  g_clear_object (&self->tls);
  g_queue_clear_full (&self->out, (GDestroyNotify) out_chunk_free);
  g_clear_pointer (&self->partial, g_byte_array_unref);
  g_clear_pointer (&self->fragment, g_byte_array_unref);
  g_free (self->peer);
  g_free (self->close_reason);

  G_OBJECT_CLASS (sb_ws_connection_parent_class)->finalize (object);
}

static void
sb_ws_connection_class_init (SbWsConnectionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_ws_connection_finalize;
}

static void
sb_ws_connection_init (SbWsConnection *self)
{
  self->fd = -1;
  g_queue_init (&self->out);
}

SbWsConnection *
_sb_ws_connection_new (SbWsPoller *poller, int fd, const char *peer, GTlsConnection *tls)
{
  SbWsConnection *self = g_object_new (SB_TYPE_WS_CONNECTION, NULL);

  self->poller = poller;
  self->fd = fd;
  self->peer = g_strdup (peer);
  if (tls != NULL)
    {
      self->tls = g_object_ref (tls);
      self->tls_in = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (G_IO_STREAM (tls)));
      self->tls_out = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (G_IO_STREAM (tls)));
    }
  self->last_received_us = g_get_monotonic_time ();

  return self;
}

int
_sb_ws_connection_get_fd (SbWsConnection *self)
{
  return self->fd;
}

void
sb_ws_connection_set_callbacks (SbWsConnection *self,
                                const SbWsConnectionCallbacks *callbacks,
                                gpointer user_data)
{
  g_return_if_fail (SB_IS_WS_CONNECTION (self));

  if (callbacks != NULL)
    self->callbacks = *callbacks;
  else
    memset (&self->callbacks, 0, sizeof self->callbacks);
  self->callbacks_data = user_data;
}

gboolean
sb_ws_connection_is_open (SbWsConnection *self)
{
  g_return_val_if_fail (SB_IS_WS_CONNECTION (self), FALSE);

  return self->fd >= 0 && !self->close_sent && !self->close_received;
}

const char *
sb_ws_connection_get_peer (SbWsConnection *self)
{
  g_return_val_if_fail (SB_IS_WS_CONNECTION (self), NULL);

  return self->peer;
}

gsize
sb_ws_connection_get_buffered_amount (SbWsConnection *self)
{
  g_return_val_if_fail (SB_IS_WS_CONNECTION (self), 0);

  return self->out_bytes;
}

gsize
sb_ws_connection_get_unsent_bytes (SbWsConnection *self)
{
  int in_kernel = 0;

  g_return_val_if_fail (SB_IS_WS_CONNECTION (self), 0);

  if (self->fd >= 0 && ioctl (self->fd, SIOCOUTQ, &in_kernel) < 0)
    in_kernel = 0;
  return self->out_bytes + MAX (in_kernel, 0);
}

/* Closes the socket and tells the owner, exactly once. */
static void
finish (SbWsConnection *self, gushort code, const char *reason)
{
  g_autoptr (SbWsConnection) hold = NULL;

  if (self->fd < 0)
    return;

  hold = g_object_ref (self);
  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  _sb_ws_poller_account_partial (self->poller, -(gssize) self->held_bytes);
  self->held_bytes = 0;
  self->partial_since_us = 0;
  _sb_ws_poller_forget (self->poller, self);
  close (self->fd);
  self->fd = -1;
  if (self->tls != NULL)
    {
      /* Sends close_notify when the socket takes it; never blocks (the socket does not). */
      g_io_stream_close (G_IO_STREAM (self->tls), NULL, NULL);
      g_clear_object (&self->tls);
      self->tls_in = NULL;
      self->tls_out = NULL;
    }
  g_queue_clear_full (&self->out, (GDestroyNotify) out_chunk_free);
  self->out_bytes = 0;
  g_clear_pointer (&self->partial, g_byte_array_unref);
  g_clear_pointer (&self->fragment, g_byte_array_unref);

  if (self->callbacks.closed != NULL)
    self->callbacks.closed (self, code, reason != NULL ? reason : "", self->callbacks_data);
}

void
_sb_ws_connection_abort (SbWsConnection *self)
{
  finish (self, SB_WS_CLOSE_ABNORMAL, "connection lost");
}

static void
set_want_writable (SbWsConnection *self, gboolean want)
{
  if (self->want_writable == want)
    return;
  self->want_writable = want;
  _sb_ws_poller_want_writable (self->poller, self, want);
}

static void
maybe_finish_closing_handshake (SbWsConnection *self)
{
  if (self->close_sent && self->close_received && self->out.length == 0)
    finish (self, self->close_code, self->close_reason);
}

/* Writes what the iovecs hold, up to one TLS record, through the TLS layer; like sendmsg ():
 * -1 with errno EAGAIN when it would block. */
static gssize
tls_write (SbWsConnection *self, const struct iovec *iov, guint n_iov)
{
  guint8 buffer[TLS_WRITE_SIZE];
  gsize length = 0;
  g_autoptr (GError) error = NULL;
  gssize written;

  for (guint i = 0; i < n_iov && length < sizeof buffer; i++)
    {
      gsize take = MIN (iov[i].iov_len, sizeof buffer - length);

      memcpy (buffer + length, iov[i].iov_base, take);
      length += take;
    }
  written
      = g_pollable_output_stream_write_nonblocking (self->tls_out, buffer, length, NULL, &error);
  if (written >= 0)
    {
      self->tls_pending = 0;
      return written;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      self->tls_pending = MAX (self->tls_pending, length);
      errno = EAGAIN;
      return -1;
    }
  g_debug ("%s: TLS write failed: %s", self->peer, error->message);
  errno = EPIPE;
  return -1;
}

/* Hands as much of the queue to the kernel as it takes. FALSE when the connection broke. */
static gboolean
flush (SbWsConnection *self)
{
  while (self->out.length > 0)
    {
      struct iovec iov[MAX_IOV];
      struct msghdr message = { 0 };
      guint n_iov = 0;
      gssize written;

      for (GList *l = self->out.head; l != NULL && n_iov < MAX_IOV; l = l->next)
        {
          OutChunk *chunk = l->data;
          gsize size;
          const guint8 *data = g_bytes_get_data (chunk->bytes, &size);

          iov[n_iov].iov_base = (void *) (data + chunk->offset);
          iov[n_iov].iov_len = size - chunk->offset;
          n_iov++;
        }
      message.msg_iov = iov;
      message.msg_iovlen = n_iov;

      if (self->tls != NULL)
        written = tls_write (self, iov, n_iov);
      else
        written = sendmsg (self->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
              set_want_writable (self, TRUE);
              return TRUE;
            }
          g_debug ("%s: send failed: %s", self->peer, g_strerror (errno));
          _sb_ws_connection_abort (self);
          return FALSE;
        }

      self->out_bytes -= written;
      while (written > 0)
        {
          OutChunk *chunk = g_queue_peek_head (&self->out);
          gsize left = g_bytes_get_size (chunk->bytes) - chunk->offset;

          if ((gsize) written < left)
            {
              chunk->offset += written;
              written = 0;
            }
          else
            {
              written -= left;
              out_chunk_free (g_queue_pop_head (&self->out));
            }
        }
    }

  set_want_writable (self, FALSE);
  maybe_finish_closing_handshake (self);
  return self->fd >= 0;
}

/* After new frames were offered to the kernel: let the owner look at what is still waiting. */
static void
report_flushed (SbWsConnection *self)
{
  gsize round_bytes = self->round_bytes;

  self->round_bytes = 0;
  if (self->fd >= 0 && self->out_bytes > 0 && self->callbacks.flushed != NULL)
    self->callbacks.flushed (self, round_bytes, self->callbacks_data);
}

/* Queues one frame made of n_chunks chunks, sent as they are (not copied). */
static void
queue_chunks (SbWsConnection *self, GBytes *const *chunks, guint n_chunks)
{
  gboolean was_empty = self->out.length == 0;

  for (guint i = 0; i < n_chunks; i++)
    {
      OutChunk *chunk = g_new (OutChunk, 1);

      chunk->bytes = g_bytes_ref (chunks[i]);
      chunk->offset = 0;
      chunk->frame_start = i == 0;
      g_queue_push_tail (&self->out, chunk);
      self->out_bytes += g_bytes_get_size (chunks[i]);
      self->round_bytes += g_bytes_get_size (chunks[i]);
    }

  if (self->deferred)
    return;
  /* While the poller is corked everything waits for the uncork, even a connection whose kernel
   * buffer is full: the back-pressure check then runs once for the whole round. */
  if (_sb_ws_poller_defer (self->poller, self))
    {
      self->deferred = TRUE;
      return;
    }
  /* When the kernel already refused bytes, EPOLLOUT will tell us when to go on. */
  if (was_empty && !flush (self))
    return;
  report_flushed (self);
}

static void
queue_frame (SbWsConnection *self, GBytes *frame)
{
  queue_chunks (self, &frame, 1);
}

void
_sb_ws_connection_uncorked (SbWsConnection *self)
{
  self->deferred = FALSE;
  if (self->fd < 0)
    return; /* closed while corked: the queue went with the socket */
  if (!self->want_writable && self->out.length > 0 && !flush (self))
    return;
  report_flushed (self);
}

void
sb_ws_connection_send_frame (SbWsConnection *self, GBytes *frame)
{
  g_return_if_fail (SB_IS_WS_CONNECTION (self));
  g_return_if_fail (frame != NULL);

  if (self->fd < 0 || self->close_sent)
    return;
  queue_frame (self, frame);
}

void
sb_ws_connection_send_text_parts (SbWsConnection *self, GBytes *const *parts, guint n_parts)
{
  g_return_if_fail (SB_IS_WS_CONNECTION (self));
  g_return_if_fail (parts != NULL || n_parts == 0);

  if (self->fd < 0 || self->close_sent)
    return;

  g_autoptr (GPtrArray) chunks = g_ptr_array_new_full (n_parts + 1, (GDestroyNotify) g_bytes_unref);
  gsize length = 0;
  for (guint i = 0; i < n_parts; i++)
    length += g_bytes_get_size (parts[i]);
  g_ptr_array_add (chunks, sb_ws_frame_encode_header (SB_WS_OPCODE_TEXT, length));
  /* An empty chunk would be an empty iovec, which flush () could never see taken. */
  for (guint i = 0; i < n_parts; i++)
    if (g_bytes_get_size (parts[i]) > 0)
      g_ptr_array_add (chunks, g_bytes_ref (parts[i]));
  queue_chunks (self, (GBytes *const *) chunks->pdata, chunks->len);
}

void
sb_ws_connection_send_text (SbWsConnection *self, const char *text, gsize length)
{
  g_autoptr (GBytes) frame = NULL;

  g_return_if_fail (SB_IS_WS_CONNECTION (self));
  g_return_if_fail (text != NULL);

  if (self->fd < 0 || self->close_sent)
    return;
  frame = sb_ws_frame_encode (SB_WS_OPCODE_TEXT, text, length);
  queue_frame (self, frame);
}

static gboolean
close_timeout_cb (gpointer user_data)
{
  SbWsConnection *self = user_data;

  self->close_timeout_id = 0;
  _sb_ws_poller_get_stats (self->poller)->closures[SB_WS_CLOSURE_CLOSE_TIMEOUT]++;
  finish (self, self->close_code, self->close_reason);
  return G_SOURCE_REMOVE;
}

static void
send_close (SbWsConnection *self, gushort code, const char *reason)
{
  g_autoptr (GBytes) frame = NULL;

  if (self->fd < 0 || self->close_sent)
    return;

  self->close_sent = TRUE;
  if (!self->close_received)
    {
      self->close_code = code;
      g_free (self->close_reason);
      self->close_reason = g_strdup (reason);
    }
  /* A peer that never answers the closing handshake, or that closed but does not read what is
   * queued before our close frame, must not keep the socket forever. */
  if (self->close_timeout_id == 0)
    self->close_timeout_id = g_timeout_add_seconds (CLOSE_TIMEOUT_SECONDS, close_timeout_cb, self);

  frame = sb_ws_frame_encode_close (code, reason);
  queue_frame (self, frame);
}

void
sb_ws_connection_close (SbWsConnection *self, gushort code, const char *reason)
{
  g_return_if_fail (SB_IS_WS_CONNECTION (self));

  send_close (self, code, reason);
}

void
sb_ws_connection_close_discarding (SbWsConnection *self, gushort code, const char *reason)
{
  GList *l;

  g_return_if_fail (SB_IS_WS_CONNECTION (self));

  /* A frame the kernel has taken part of must be completed, or the stream is garbage: keep the
   * head chunk if it is started or continues a frame, and the rest of that frame's chunks. */
  l = self->out.head;
  /* Over TLS, bytes GnuTLS has encrypted but not sent count as started too. */
  for (gsize covered = 0; l != NULL && self->tls_pending > 0 && covered < self->tls_pending;
       l = l->next)
    covered += g_bytes_get_size (((OutChunk *) l->data)->bytes) - ((OutChunk *) l->data)->offset;
  if (l != self->out.head)
    while (l != NULL && !((OutChunk *) l->data)->frame_start)
      l = l->next;
  else if (l != NULL
           && (((OutChunk *) l->data)->offset > 0 || !((OutChunk *) l->data)->frame_start))
    {
      l = l->next;
      while (l != NULL && !((OutChunk *) l->data)->frame_start)
        l = l->next;
    }
  while (l != NULL)
    {
      GList *next = l->next;
      OutChunk *chunk = l->data;

      self->out_bytes -= g_bytes_get_size (chunk->bytes);
      out_chunk_free (chunk);
      g_queue_delete_link (&self->out, l);
      l = next;
    }

  send_close (self, code, reason);
}

static void
fail (SbWsConnection *self, gushort code, const char *reason)
{
  g_debug ("%s: closing: %s", self->peer, reason);
  send_close (self, code, reason);
}

static void
deliver (SbWsConnection *self, SbWsOpcode opcode, const guint8 *data, gsize length)
{
  if (self->close_sent)
    return;
  if (opcode == SB_WS_OPCODE_TEXT && !sb_ws_utf8_validate (data, length))
    {
      fail (self, SB_WS_CLOSE_BAD_DATA, "text frame is not UTF-8");
      return;
    }
  if (self->callbacks.message != NULL)
    self->callbacks.message (self, opcode, (const char *) data, length, self->callbacks_data);
}

static void
handle_close_frame (SbWsConnection *self, const guint8 *payload, gsize length)
{
  gushort code = SB_WS_CLOSE_NO_STATUS;
  g_autofree char *reason = NULL;

  if (length == 1)
    {
      fail (self, SB_WS_CLOSE_PROTOCOL_ERROR, "close frame of one byte");
      return;
    }
  if (length >= 2)
    {
      code = (gushort) ((payload[0] << 8) | payload[1]);
      if (!sb_ws_close_code_is_valid (code) || !sb_ws_utf8_validate (payload + 2, length - 2))
        {
          fail (self, SB_WS_CLOSE_PROTOCOL_ERROR, "invalid close frame");
          return;
        }
      reason = g_strndup ((const char *) payload + 2, length - 2);
    }

  if (!self->close_sent)
    {
      self->close_code = code;
      g_free (self->close_reason);
      self->close_reason = g_steal_pointer (&reason);
    }
  self->close_received = TRUE;

  if (!self->close_sent)
    send_close (self, code, NULL);
  maybe_finish_closing_handshake (self);
}

/* Handles one complete, unmasked frame. */
static void
handle_frame (SbWsConnection *self, const SbWsFrameHeader *header, const guint8 *payload)
{
  gsize length = header->payload_length;
  gsize max = _sb_ws_poller_get_max_incoming_payload (self->poller);

  switch (header->opcode)
    {
      case SB_WS_OPCODE_TEXT:
      case SB_WS_OPCODE_BINARY:
        if (self->fragment != NULL)
          {
            fail (self, SB_WS_CLOSE_PROTOCOL_ERROR, "new message inside a fragmented one");
            return;
          }
        if (header->fin)
          {
            deliver (self, header->opcode, payload, length);
            return;
          }
        self->fragment = g_byte_array_sized_new (length);
        g_byte_array_append (self->fragment, payload, length);
        self->fragment_opcode = header->opcode;
        return;

      case SB_WS_OPCODE_CONTINUATION:
        if (self->fragment == NULL)
          {
            fail (self, SB_WS_CLOSE_PROTOCOL_ERROR, "continuation without a message");
            return;
          }
        if (self->fragment->len + length > max)
          {
            fail (self, SB_WS_CLOSE_TOO_BIG, "message too big");
            return;
          }
        g_byte_array_append (self->fragment, payload, length);
        if (header->fin)
          {
            g_autoptr (GByteArray) message = g_steal_pointer (&self->fragment);
            deliver (self, self->fragment_opcode, message->data, message->len);
          }
        return;

      case SB_WS_OPCODE_CLOSE:
        handle_close_frame (self, payload, length);
        return;

      case SB_WS_OPCODE_PING:
        if (!self->close_sent)
          {
            g_autoptr (GBytes) pong = sb_ws_frame_encode (SB_WS_OPCODE_PONG, payload, length);
            queue_frame (self, pong);
          }
        return;

      case SB_WS_OPCODE_PONG:
      default:
        return;
    }
}

/* Parses every complete frame in data (unmasking it in place) and returns how many bytes were
 * used; the rest is an incomplete frame. Stops early when the connection closes. */
static gsize
parse (SbWsConnection *self, guint8 *data, gsize length)
{
  gsize max = _sb_ws_poller_get_max_incoming_payload (self->poller);
  gsize position = 0;

  while (self->fd >= 0 && !self->close_received && position < length)
    {
      SbWsFrameHeader header;
      SbWsDecodeResult result;
      guint8 *payload;

      result = sb_ws_frame_decode_header (data + position, length - position, &header);
      if (result == SB_WS_DECODE_INCOMPLETE)
        break;
      if (result == SB_WS_DECODE_INVALID || !header.masked)
        {
          fail (self, SB_WS_CLOSE_PROTOCOL_ERROR, "invalid frame");
          return length;
        }
      if (header.payload_length > max)
        {
          fail (self, SB_WS_CLOSE_TOO_BIG, "message too big");
          return length;
        }
      if (length - position < header.header_length + header.payload_length)
        break;

      payload = data + position + header.header_length;
      sb_ws_frame_unmask (payload, header.payload_length, header.mask, 0);
      position += header.header_length + header.payload_length;

      /* After our close frame only the peer's close frame matters. */
      if (self->close_sent && header.opcode != SB_WS_OPCODE_CLOSE)
        continue;
      handle_frame (self, &header, payload);
    }

  return position;
}

static void
take_bytes (SbWsConnection *self, guint8 *data, gsize length)
{
  gsize used;

  if (self->partial == NULL)
    {
      used = parse (self, data, length);
      if (used < length && self->fd >= 0 && !self->close_received)
        {
          self->partial = g_byte_array_sized_new (length - used);
          g_byte_array_append (self->partial, data + used, length - used);
        }
      return;
    }

  g_byte_array_append (self->partial, data, length);
  used = parse (self, self->partial->data, self->partial->len);
  if (self->partial == NULL)
    return;
  if (used == self->partial->len)
    g_clear_pointer (&self->partial, g_byte_array_unref);
  else if (used > 0)
    g_byte_array_remove_range (self->partial, 0, used);
}

/* The peer broke the rules or a limit: tell it why when that costs nothing (our queue is empty,
 * so the close frame cannot cut into another frame), then close at once (RFC 6455 section 7.1.7
 * lets an endpoint drop the connection it fails). */
static void
fail_now (SbWsConnection *self, gushort code, const char *reason, SbWsClosure closure)
{
  _sb_ws_poller_get_stats (self->poller)->closures[closure]++;
  g_debug ("%s: closing: %s", self->peer, reason);
  if (!self->close_sent && self->out.length == 0)
    {
      g_autoptr (GBytes) frame = sb_ws_frame_encode_close (code, reason);
      gssize sent;

      if (self->tls != NULL)
        sent = g_pollable_output_stream_write_nonblocking (
            self->tls_out, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), NULL, NULL);
      else
        sent = send (self->fd, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame),
                     MSG_NOSIGNAL | MSG_DONTWAIT);
      (void) sent; /* best effort: the socket is closed next */
      self->close_sent = TRUE;
    }
  finish (self, code, reason);
}

/* Tells the poller how much of incomplete frames we hold now; FALSE when that broke the budget
 * and the connection was closed. */
static gboolean
account_held (SbWsConnection *self)
{
  gsize held = (self->partial != NULL ? self->partial->len : 0)
               + (self->fragment != NULL ? self->fragment->len : 0);
  gssize delta = (gssize) held - (gssize) self->held_bytes;

  if (self->fd < 0)
    return FALSE;
  if (held == 0)
    self->partial_since_us = 0;
  else if (self->partial_since_us == 0)
    self->partial_since_us = g_get_monotonic_time ();
  self->held_bytes = held;
  if (delta == 0 || _sb_ws_poller_account_partial (self->poller, delta))
    return TRUE;
  fail_now (self, SB_WS_CLOSE_TRY_AGAIN_LATER, "server busy: too many incomplete frames",
            SB_WS_CLOSURE_PARTIAL_BUDGET);
  return FALSE;
}

void
sb_ws_connection_set_deadline (SbWsConnection *self, guint seconds)
{
  g_return_if_fail (SB_IS_WS_CONNECTION (self));

  self->deadline_us
      = seconds == 0 ? 0 : g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
}

void
_sb_ws_connection_check_deadlines (SbWsConnection *self, gint64 now_us)
{
  const SbWsLimits *limits = _sb_ws_poller_get_limits (self->poller);

  if (self->fd < 0)
    return;

  if (self->deadline_us != 0 && now_us >= self->deadline_us)
    {
      self->deadline_us = 0;
      if (self->callbacks.deadline != NULL)
        self->callbacks.deadline (self, self->callbacks_data);
      if (self->fd < 0)
        return;
    }

  if (limits->frame_timeout_s != 0 && self->partial_since_us != 0
      && now_us - self->partial_since_us >= (gint64) limits->frame_timeout_s * G_USEC_PER_SEC)
    {
      fail_now (self, SB_WS_CLOSE_POLICY_VIOLATION, "frame not completed in time",
                SB_WS_CLOSURE_FRAME_TIMEOUT);
      return;
    }

  /* Once closing, the close timer decides. */
  if (limits->ping_interval_s == 0 || self->close_sent || self->close_received)
    return;
  if (self->ping_sent_us != 0)
    {
      if (limits->pong_timeout_s != 0
          && now_us - self->ping_sent_us >= (gint64) limits->pong_timeout_s * G_USEC_PER_SEC)
        {
          /* A dead peer (behind NAT, its network gone) reads nothing: no close frame. */
          _sb_ws_poller_get_stats (self->poller)->closures[SB_WS_CLOSURE_PONG_TIMEOUT]++;
          g_debug ("%s: no answer to a ping", self->peer);
          finish (self, SB_WS_CLOSE_ABNORMAL, "no answer to a keepalive ping");
        }
      return;
    }
  if (now_us - self->last_received_us >= (gint64) limits->ping_interval_s * G_USEC_PER_SEC)
    {
      g_autoptr (GBytes) ping = sb_ws_frame_encode (SB_WS_OPCODE_PING, "keepalive", 9);

      self->ping_sent_us = now_us;
      queue_frame (self, ping);
    }
}

/* Like recv (): -1 with errno EAGAIN once the TLS layer has nothing left and the socket is
 * empty. */
static gssize
tls_read (SbWsConnection *self, guint8 *scratch, gsize scratch_size)
{
  g_autoptr (GError) error = NULL;
  gssize n = g_pollable_input_stream_read_nonblocking (self->tls_in, scratch, scratch_size, NULL,
                                                       &error);

  if (n >= 0)
    return n;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    errno = EAGAIN;
  else
    {
      g_debug ("%s: TLS read failed: %s", self->peer, error->message);
      errno = ECONNRESET;
    }
  return -1;
}

gboolean
_sb_ws_connection_handle_readable (SbWsConnection *self, guint8 *scratch, gsize scratch_size)
{
  gboolean drained = self->tls == NULL;

  /* A TLS write that would block may have waited for this. */
  if (self->tls != NULL && self->want_writable && !flush (self))
    return FALSE;

  for (guint i = 0; i < READS_PER_WAKEUP && self->fd >= 0; i++)
    {
      gssize n = self->tls != NULL ? tls_read (self, scratch, scratch_size)
                                   : recv (self->fd, scratch, scratch_size, MSG_DONTWAIT);

      if (n == 0)
        {
          /* EOF: the end of a closing handshake we started, or a broken connection. */
          if (self->close_sent)
            finish (self, self->close_code, self->close_reason);
          else
            finish (self, SB_WS_CLOSE_ABNORMAL, "connection closed without a close frame");
          return FALSE;
        }
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
              drained = TRUE;
              break;
            }
          g_debug ("%s: receive failed: %s", self->peer, g_strerror (errno));
          _sb_ws_connection_abort (self);
          return FALSE;
        }

      self->last_received_us = g_get_monotonic_time ();
      self->ping_sent_us = 0;
      if (self->close_received)
        continue; /* Nothing may follow a close frame; drain until EOF. */
      take_bytes (self, scratch, n);
      if (!account_held (self))
        return FALSE;
      /* A short read empties the socket, not the TLS layer, which may hold a record more. */
      if ((gsize) n < scratch_size && self->tls == NULL)
        break;
    }

  /* Out of turns with bytes perhaps left where epoll cannot see them: come back. */
  if (!drained && self->fd >= 0)
    _sb_ws_poller_read_again (self->poller, self);
  return self->fd >= 0;
}

gboolean
_sb_ws_connection_handle_writable (SbWsConnection *self)
{
  if (self->fd < 0)
    return FALSE;
  return flush (self);
}
