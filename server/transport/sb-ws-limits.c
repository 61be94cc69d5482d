/* sb-ws-limits.c: names of the edge's own closures, as /metrics labels them. */
#include "sb-ws-limits.h"

static const char *const closure_names[SB_WS_N_CLOSURES] = {
  [SB_WS_CLOSURE_HANDSHAKE_TIMEOUT] = "handshake_timeout",
  [SB_WS_CLOSURE_HELLO_TIMEOUT] = "hello_timeout",
  [SB_WS_CLOSURE_FRAME_TIMEOUT] = "frame_timeout",
  [SB_WS_CLOSURE_PONG_TIMEOUT] = "pong_timeout",
  [SB_WS_CLOSURE_PARTIAL_BUDGET] = "partial_budget",
  [SB_WS_CLOSURE_CLOSE_TIMEOUT] = "close_timeout",
  [SB_WS_CLOSURE_TLS_HANDSHAKE] = "tls_handshake",
};

const char *
sb_ws_closure_to_string (SbWsClosure closure)
{
  if ((guint) closure >= SB_WS_N_CLOSURES)
    return "unknown";
  return closure_names[closure];
}
