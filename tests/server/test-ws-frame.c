/* Frame encoding and header decoding of the server's WebSocket transport. */

#include <string.h>

#include "sb-ws-frame.h"

static void
test_encode_lengths (void)
{
  const gsize lengths[] = { 0, 1, 125, 126, 65535, 65536, 300000 };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree guint8 *payload = g_malloc0 (lengths[i] + 1);
      g_autoptr (GBytes) frame = NULL;
      SbWsFrameHeader header;
      gsize size;
      const guint8 *data;

      memset (payload, 'x', lengths[i]);
      frame = sb_ws_frame_encode (SB_WS_OPCODE_TEXT, payload, lengths[i]);
      data = g_bytes_get_data (frame, &size);

      g_assert_cmpint (sb_ws_frame_decode_header (data, size, &header), ==, SB_WS_DECODE_OK);
      g_assert_true (header.fin);
      g_assert_false (header.masked);
      g_assert_cmpuint (header.opcode, ==, SB_WS_OPCODE_TEXT);
      g_assert_cmpuint (header.payload_length, ==, lengths[i]);
      g_assert_cmpuint (header.header_length + lengths[i], ==, size);
      g_assert_cmpmem (data + header.header_length, lengths[i], payload, lengths[i]);
    }
}

static void
test_decode_incomplete (void)
{
  g_autoptr (GBytes) frame = sb_ws_frame_encode (SB_WS_OPCODE_TEXT, "hello", 5);
  gsize size;
  const guint8 *data = g_bytes_get_data (frame, &size);
  SbWsFrameHeader header;

  g_assert_cmpint (sb_ws_frame_decode_header (data, 0, &header), ==, SB_WS_DECODE_INCOMPLETE);
  g_assert_cmpint (sb_ws_frame_decode_header (data, 1, &header), ==, SB_WS_DECODE_INCOMPLETE);
  /* The header is complete even though the payload is not: that is the caller's business. */
  g_assert_cmpint (sb_ws_frame_decode_header (data, 2, &header), ==, SB_WS_DECODE_OK);
}

static void
test_decode_masked (void)
{
  /* A client frame "Hi" masked with 37 fa 21 3d (RFC 6455 section 5.7 style). */
  guint8 frame[] = { 0x81, 0x82, 0x37, 0xfa, 0x21, 0x3d, 'H' ^ 0x37, 'i' ^ 0xfa };
  SbWsFrameHeader header;

  g_assert_cmpint (sb_ws_frame_decode_header (frame, sizeof frame, &header), ==, SB_WS_DECODE_OK);
  g_assert_true (header.masked);
  g_assert_cmpuint (header.header_length, ==, 6);
  sb_ws_frame_unmask (frame + 6, 2, header.mask, 0);
  g_assert_cmpmem (frame + 6, 2, "Hi", 2);
}

static void
test_decode_invalid (void)
{
  SbWsFrameHeader header;
  const guint8 rsv[] = { 0xC1, 0x80, 0, 0, 0, 0 };
  const guint8 opcode[] = { 0x83, 0x80, 0, 0, 0, 0 };
  const guint8 fragmented_ping[] = { 0x09, 0x80, 0, 0, 0, 0 };
  const guint8 long_ping[] = { 0x89, 0xFE, 0x00, 0x7E, 0, 0, 0, 0 };
  const guint8 not_shortest[] = { 0x81, 0xFE, 0x00, 0x05, 0, 0, 0, 0 };
  const guint8 top_bit[] = { 0x81, 0xFF, 0x80, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0 };

  g_assert_cmpint (sb_ws_frame_decode_header (rsv, sizeof rsv, &header), ==, SB_WS_DECODE_INVALID);
  g_assert_cmpint (sb_ws_frame_decode_header (opcode, sizeof opcode, &header), ==,
                   SB_WS_DECODE_INVALID);
  g_assert_cmpint (sb_ws_frame_decode_header (fragmented_ping, sizeof fragmented_ping, &header), ==,
                   SB_WS_DECODE_INVALID);
  g_assert_cmpint (sb_ws_frame_decode_header (long_ping, sizeof long_ping, &header), ==,
                   SB_WS_DECODE_INVALID);
  g_assert_cmpint (sb_ws_frame_decode_header (not_shortest, sizeof not_shortest, &header), ==,
                   SB_WS_DECODE_INVALID);
  g_assert_cmpint (sb_ws_frame_decode_header (top_bit, sizeof top_bit, &header), ==,
                   SB_WS_DECODE_INVALID);
}

static void
test_close_frame (void)
{
  g_autofree char *long_reason = g_strnfill (200, 'r');
  g_autoptr (GBytes) frame = sb_ws_frame_encode_close (4001, "too slow");
  g_autoptr (GBytes) long_frame = sb_ws_frame_encode_close (1000, long_reason);
  g_autoptr (GBytes) empty = sb_ws_frame_encode_close (1005, NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (frame, &size);
  SbWsFrameHeader header;

  g_assert_cmpint (sb_ws_frame_decode_header (data, size, &header), ==, SB_WS_DECODE_OK);
  g_assert_cmpuint (header.opcode, ==, SB_WS_OPCODE_CLOSE);
  g_assert_cmpuint ((data[2] << 8) | data[3], ==, 4001);
  g_assert_cmpmem (data + 4, size - 4, "too slow", 8);

  data = g_bytes_get_data (long_frame, &size);
  g_assert_cmpint (sb_ws_frame_decode_header (data, size, &header), ==, SB_WS_DECODE_OK);
  g_assert_cmpuint (header.payload_length, ==, 125);

  g_assert_cmpuint (g_bytes_get_size (empty), ==, 2);

  g_assert_true (sb_ws_close_code_is_valid (1000));
  g_assert_true (sb_ws_close_code_is_valid (4001));
  g_assert_false (sb_ws_close_code_is_valid (1005));
  g_assert_false (sb_ws_close_code_is_valid (1006));
  g_assert_false (sb_ws_close_code_is_valid (999));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ws-frame/encode-lengths", test_encode_lengths);
  g_test_add_func ("/ws-frame/decode-incomplete", test_decode_incomplete);
  g_test_add_func ("/ws-frame/decode-masked", test_decode_masked);
  g_test_add_func ("/ws-frame/decode-invalid", test_decode_invalid);
  g_test_add_func ("/ws-frame/close", test_close_frame);

  return g_test_run ();
}
