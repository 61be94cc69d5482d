/* sb-ws-frame.h: RFC 6455 frame encoding and header decoding, without any I/O. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SB_WS_OPCODE_CONTINUATION = 0x0,
  SB_WS_OPCODE_TEXT = 0x1,
  SB_WS_OPCODE_BINARY = 0x2,
  SB_WS_OPCODE_CLOSE = 0x8,
  SB_WS_OPCODE_PING = 0x9,
  SB_WS_OPCODE_PONG = 0xA,
} SbWsOpcode;

/* RFC 6455 close codes used by the transport itself. */
#define SB_WS_CLOSE_NORMAL 1000
#define SB_WS_CLOSE_PROTOCOL_ERROR 1002
#define SB_WS_CLOSE_NO_STATUS 1005
#define SB_WS_CLOSE_ABNORMAL 1006
#define SB_WS_CLOSE_BAD_DATA 1007
#define SB_WS_CLOSE_POLICY_VIOLATION 1008
#define SB_WS_CLOSE_TOO_BIG 1009
#define SB_WS_CLOSE_TRY_AGAIN_LATER 1013

typedef struct
{
  gboolean fin;
  guint8 rsv; /* the three RSV bits; no extension is negotiated, so they must be 0 */
  guint8 opcode;
  gboolean masked;
  guint8 mask[4];
  guint64 payload_length;
  gsize header_length;
} SbWsFrameHeader;

typedef enum
{
  SB_WS_DECODE_INCOMPLETE, /* more bytes are needed for the header */
  SB_WS_DECODE_OK,
  SB_WS_DECODE_INVALID, /* not a frame a server may accept; close with 1002 */
} SbWsDecodeResult;

/* Decodes the frame header at the start of data. Does not look at the payload. */
SbWsDecodeResult sb_ws_frame_decode_header (const guint8 *data, gsize length, SbWsFrameHeader *out);

/* XORs payload with the mask in place; offset is the payload position of payload[0]. */
void sb_ws_frame_unmask (guint8 *payload, gsize length, const guint8 mask[4], guint64 offset);

/* A complete, unmasked (server-to-client) frame, ready to be sent to any number of clients. */
GBytes *sb_ws_frame_encode (SbWsOpcode opcode, const void *payload, gsize length);

/* The header alone of an unmasked, unfragmented frame whose payload of length bytes is sent
 * after it in parts (sb_ws_connection_send_text_parts ()). */
GBytes *sb_ws_frame_encode_header (SbWsOpcode opcode, gsize length);

/* Client-to-server frames (RFC 6455 section 5.3): a client masks every frame it sends with a
 * fresh mask and must refuse a frame from the server whose header says masked. The server above
 * never encodes these; the load generator (bench/loadgen/lg-ws.c) does. */

/* The largest masked header: 2 bytes, 8 of extended length, 4 of mask. */
#define SB_WS_MAX_MASKED_HEADER_LENGTH 14

/* The size of the masked frame carrying a payload of length bytes. */
gsize sb_ws_frame_masked_size (gsize length);

/* Writes a complete masked, unfragmented frame into frame, which must hold
 * sb_ws_frame_masked_size (length) bytes, and returns that size. It writes into the caller's
 * buffer rather than returning GBytes: a client frame is sent once, so a stack buffer will do. */
gsize sb_ws_frame_write_masked (
    guint8 *frame, SbWsOpcode opcode, const void *payload, gsize length, const guint8 mask[4]);

/* A close frame carrying code and reason (reason is cut to fit a control frame). */
GBytes *sb_ws_frame_encode_close (gushort code, const char *reason);

/* Whether data is UTF-8 (RFC 3629), U+0000 included: g_utf8_validate () stops at a NUL byte,
 * which RFC 6455 allows in text frames and close reasons like any other character. */
gboolean sb_ws_utf8_validate (const guint8 *data, gsize length);

/* Whether code may be sent in, or received in, a close frame (RFC 6455 section 7.4). */
gboolean sb_ws_close_code_is_valid (gushort code);

G_END_DECLS
