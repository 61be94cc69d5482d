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
test_write_masked_rfc_example (void)
{
  /* RFC 6455 section 5.7: "A single-frame masked text message" carrying "Hello". */
  const guint8 expected[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };
  const guint8 mask[4] = { 0x37, 0xfa, 0x21, 0x3d };
  guint8 frame[sizeof expected + 8];

  memset (frame, 0xAA, sizeof frame);
  g_assert_cmpuint (sb_ws_frame_masked_size (5), ==, sizeof expected);
  g_assert_cmpuint (sb_ws_frame_write_masked (frame, SB_WS_OPCODE_TEXT, "Hello", 5, mask), ==,
                    sizeof expected);
  g_assert_cmpmem (frame, sizeof expected, expected, sizeof expected);
  /* Nothing is written past the frame. */
  g_assert_cmpuint (frame[sizeof expected], ==, 0xAA);
}

static void
test_write_masked_lengths (void)
{
  const gsize lengths[] = { 0, 1, 125, 126, 65535, 65536, 300000 };
  const gsize header_lengths[] = { 6, 6, 6, 8, 8, 14, 14 };
  const guint8 mask[4] = { 0x01, 0x80, 0xFF, 0x5A };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      gsize size = sb_ws_frame_masked_size (lengths[i]);
      g_autofree guint8 *payload = g_malloc (lengths[i] + 1);
      g_autofree guint8 *frame = g_malloc (size);
      SbWsFrameHeader header;

      for (gsize j = 0; j < lengths[i]; j++)
        payload[j] = (guint8) (j * 7 + 3);
      g_assert_cmpuint (size, ==, header_lengths[i] + lengths[i]);
      g_assert_cmpuint (
          sb_ws_frame_write_masked (frame, SB_WS_OPCODE_BINARY, payload, lengths[i], mask), ==,
          size);

      /* What the server's decoder makes of it is what was sent. */
      g_assert_cmpint (sb_ws_frame_decode_header (frame, size, &header), ==, SB_WS_DECODE_OK);
      g_assert_true (header.fin);
      g_assert_true (header.masked);
      g_assert_cmpuint (header.opcode, ==, SB_WS_OPCODE_BINARY);
      g_assert_cmpmem (header.mask, 4, mask, 4);
      g_assert_cmpuint (header.payload_length, ==, lengths[i]);
      g_assert_cmpuint (header.header_length, ==, header_lengths[i]);
      if (lengths[i] >= 4)
        g_assert_true (memcmp (frame + header.header_length, payload, 4) != 0);
      sb_ws_frame_unmask (frame + header.header_length, lengths[i], header.mask, 0);
      g_assert_cmpmem (frame + header.header_length, lengths[i], payload, lengths[i]);
    }
}

static void
test_write_masked_control (void)
{
  /* A client's close frame echoing 1000, as the load generator sends it. */
  const guint8 payload[2] = { 0x03, 0xE8 };
  const guint8 mask[4] = { 0, 0, 0, 0 };
  guint8 frame[SB_WS_MAX_MASKED_HEADER_LENGTH + 2];
  SbWsFrameHeader header;
  gsize size = sb_ws_frame_write_masked (frame, SB_WS_OPCODE_CLOSE, payload, 2, mask);

  g_assert_cmpuint (size, ==, 8);
  g_assert_cmpint (sb_ws_frame_decode_header (frame, size, &header), ==, SB_WS_DECODE_OK);
  g_assert_true (header.masked);
  g_assert_cmpuint (header.opcode, ==, SB_WS_OPCODE_CLOSE);
  g_assert_cmpuint (header.payload_length, ==, 2);
  g_assert_cmpmem (frame + 6, 2, payload, 2);
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
  g_test_add_func ("/ws-frame/write-masked-rfc-example", test_write_masked_rfc_example);
  g_test_add_func ("/ws-frame/write-masked-lengths", test_write_masked_lengths);
  g_test_add_func ("/ws-frame/write-masked-control", test_write_masked_control);
  g_test_add_func ("/ws-frame/decode-invalid", test_decode_invalid);
  g_test_add_func ("/ws-frame/close", test_close_frame);

  return g_test_run ();
}
