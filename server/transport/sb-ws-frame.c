/* sb-ws-frame.c
 *
 * The server speaks RFC 6455 itself after libsoup has done the HTTP upgrade, so that every
 * connection is one file descriptor in one epoll set (see sb-ws-poller.c). This file holds the
 * byte-level part, free of I/O so that it can be tested on its own.
 */

#include "sb-ws-frame.h"

#include <string.h>

/* An unmasked header: 2 bytes, plus 2 or 8 of extended length. */
#define SB_WS_MAX_HEADER_LENGTH 10

#define MAX_CONTROL_PAYLOAD 125

SbWsDecodeResult
sb_ws_frame_decode_header (const guint8 *data, gsize length, SbWsFrameHeader *out)
{
  gsize needed = 2;
  guint64 payload_length;

  g_return_val_if_fail (out != NULL, SB_WS_DECODE_INVALID);

  if (length < needed)
    return SB_WS_DECODE_INCOMPLETE;

  out->fin = (data[0] & 0x80) != 0;
  out->rsv = (data[0] >> 4) & 0x07;
  out->opcode = data[0] & 0x0F;
  out->masked = (data[1] & 0x80) != 0;
  payload_length = data[1] & 0x7F;

  if (payload_length == 126)
    needed += 2;
  else if (payload_length == 127)
    needed += 8;
  if (out->masked)
    needed += 4;
  if (length < needed)
    return SB_WS_DECODE_INCOMPLETE;

  if (payload_length == 126)
    {
      payload_length = ((guint64) data[2] << 8) | data[3];
      /* The shortest encoding is required (RFC 6455 section 5.2). */
      if (payload_length < 126)
        return SB_WS_DECODE_INVALID;
    }
  else if (payload_length == 127)
    {
      payload_length = 0;
      for (guint i = 0; i < 8; i++)
        payload_length = (payload_length << 8) | data[2 + i];
      if (payload_length <= G_MAXUINT16 || (payload_length >> 63) != 0)
        return SB_WS_DECODE_INVALID;
    }

  if (out->masked)
    memcpy (out->mask, data + needed - 4, 4);
  else
    memset (out->mask, 0, 4);

  out->payload_length = payload_length;
  out->header_length = needed;

  if (out->rsv != 0)
    return SB_WS_DECODE_INVALID;
  switch (out->opcode)
    {
      case SB_WS_OPCODE_CONTINUATION:
      case SB_WS_OPCODE_TEXT:
      case SB_WS_OPCODE_BINARY:
        break;
      case SB_WS_OPCODE_CLOSE:
      case SB_WS_OPCODE_PING:
      case SB_WS_OPCODE_PONG:
        if (!out->fin || payload_length > MAX_CONTROL_PAYLOAD)
          return SB_WS_DECODE_INVALID;
        break;
      default:
        return SB_WS_DECODE_INVALID;
    }

  return SB_WS_DECODE_OK;
}

void
sb_ws_frame_unmask (guint8 *payload, gsize length, const guint8 mask[4], guint64 offset)
{
  for (gsize i = 0; i < length; i++)
    payload[i] ^= mask[(offset + i) & 3];
}

/* Writes the header into frame (room for 10 bytes) and returns its length. */
static gsize
write_header (guint8 *frame, SbWsOpcode opcode, gsize length)
{
  frame[0] = 0x80 | (opcode & 0x0F);
  if (length < 126)
    {
      frame[1] = (guint8) length;
      return 2;
    }
  if (length <= G_MAXUINT16)
    {
      frame[1] = 126;
      frame[2] = (guint8) (length >> 8);
      frame[3] = (guint8) length;
      return 4;
    }
  frame[1] = 127;
  for (guint i = 0; i < 8; i++)
    frame[2 + i] = (guint8) ((guint64) length >> (56 - 8 * i));
  return 10;
}

GBytes *
sb_ws_frame_encode (SbWsOpcode opcode, const void *payload, gsize length)
{
  g_return_val_if_fail (payload != NULL || length == 0, NULL);

  guint8 header[SB_WS_MAX_HEADER_LENGTH];
  gsize header_length = write_header (header, opcode, length);
  guint8 *frame = g_malloc (header_length + length);

  memcpy (frame, header, header_length);
  if (length > 0)
    memcpy (frame + header_length, payload, length);
  return g_bytes_new_take (frame, header_length + length);
}

gsize
sb_ws_frame_masked_size (gsize length)
{
  guint8 header[SB_WS_MAX_HEADER_LENGTH];

  return write_header (header, SB_WS_OPCODE_TEXT, length) + 4 + length;
}

gsize
sb_ws_frame_write_masked (
    guint8 *frame, SbWsOpcode opcode, const void *payload, gsize length, const guint8 mask[4])
{
  const guint8 *in = payload;
  gsize header_length;

  g_return_val_if_fail (frame != NULL, 0);
  g_return_val_if_fail (payload != NULL || length == 0, 0);
  g_return_val_if_fail (mask != NULL, 0);

  header_length = write_header (frame, opcode, length);
  frame[1] |= 0x80;
  memcpy (frame + header_length, mask, 4);
  header_length += 4;

  /* Masked while copied: one pass over the payload instead of a copy and then
   * sb_ws_frame_unmask (), which is the same XOR. */
  for (gsize i = 0; i < length; i++)
    frame[header_length + i] = in[i] ^ mask[i & 3];
  return header_length + length;
}

GBytes *
sb_ws_frame_encode_header (SbWsOpcode opcode, gsize length)
{
  guint8 header[SB_WS_MAX_HEADER_LENGTH];
  gsize header_length = write_header (header, opcode, length);

  return g_bytes_new (header, header_length);
}

GBytes *
sb_ws_frame_encode_close (gushort code, const char *reason)
{
  guint8 payload[MAX_CONTROL_PAYLOAD];
  gsize reason_length = reason != NULL ? strlen (reason) : 0;

  if (code == SB_WS_CLOSE_NO_STATUS || code == SB_WS_CLOSE_ABNORMAL)
    return sb_ws_frame_encode (SB_WS_OPCODE_CLOSE, NULL, 0);

  /* Cut the reason to fit, without splitting a UTF-8 character. */
  if (reason_length > MAX_CONTROL_PAYLOAD - 2)
    {
      const char *end = reason + MAX_CONTROL_PAYLOAD - 2;
      while (end > reason && (*end & 0xC0) == 0x80)
        end--;
      reason_length = end - reason;
    }

  payload[0] = (guint8) (code >> 8);
  payload[1] = (guint8) code;
  if (reason_length > 0)
    memcpy (payload + 2, reason, reason_length);

  return sb_ws_frame_encode (SB_WS_OPCODE_CLOSE, payload, 2 + reason_length);
}

gboolean
sb_ws_close_code_is_valid (gushort code)
{
  if (code >= 3000 && code <= 4999)
    return TRUE;
  switch (code)
    {
      case 1000:
      case 1001:
      case 1002:
      case 1003:
      case 1007:
      case 1008:
      case 1009:
      case 1010:
      case 1011:
      /* IANA-registered after RFC 6455: Service Restart, Try Again Later, Bad Gateway. 1015
       * (TLS handshake failure) is only ever reported locally, like 1005 and 1006. */
      case 1012:
      case 1013:
      case 1014:
        return TRUE;
      default:
        return FALSE;
    }
}

gboolean
sb_ws_utf8_validate (const guint8 *data, gsize length)
{
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  /* NUL is one byte and never part of a longer sequence: validate the runs between NULs. */
  while (length > 0)
    {
      const guint8 *nul = memchr (data, '\0', length);
      gsize run = nul != NULL ? (gsize) (nul - data) : length;

      if (run > 0 && !g_utf8_validate_len ((const char *) data, run, NULL))
        return FALSE;
      if (nul == NULL)
        break;
      data = nul + 1;
      length -= run + 1;
    }
  return TRUE;
}
