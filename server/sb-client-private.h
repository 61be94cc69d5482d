/* sb-client-private.h: what sb-client.c shares with sb-client-ops.c. Private to server/. */
#pragma once

#include "sb-client.h"
#include "sb-live-event.h"
#include "sb-request.h"

G_BEGIN_DECLS

/* sb-client.c: replies and their counting. */

/* Replies are written by protocol/'s message writers into a buffer of this size: most fit. */
GString *_sb_client_new_reply (void);
/* Sends out (taken). */
void _sb_client_send_reply (SbClient *self, GString *out);
void _sb_client_count (SbClient *self, int request_type, SbErrorCode outcome);
/* An error reply with its extra members (seats, hold, retry_after_ms: NULL/0 when none). */
void _sb_client_send_error_full (SbClient *self,
                                 int request_type,
                                 const char *re,
                                 SbErrorCode code,
                                 const char *message,
                                 const char *const *seats,
                                 const char *hold,
                                 gint64 retry_after_ms,
                                 gboolean replayed);
void _sb_client_send_error (
    SbClient *self, int request_type, const char *re, SbErrorCode code, const char *message);
/* The request's event, or NULL after replying not_found. */
SbLiveEvent *_sb_client_lookup_event_or_reply (SbClient *self, SbRequest *request);

/* sb-client-ops.c: hold, hold_best, extend, release and book. */
void _sb_client_handle_op_request (SbClient *self, SbRequest *request);

G_END_DECLS
