/* sb-message-error.h: error, the reply to a request that failed (docs/protocol.md, "Errors"). Its
 * "re" (on the SbMessage) is NULL where the request had no readable id. */
#pragma once

#include "sb-message-parts.h"

G_BEGIN_DECLS

typedef struct
{
  SbErrorCode code;
  char *message;         /* English, for logs */
  char **seats;          /* seat_unavailable: the seats that were not available; else NULL */
  char *hold;            /* hold_expired: the hold; else NULL */
  gint64 retry_after_ms; /* rate_limited, unauthenticated; 0 when absent */
  gint64 available;      /* not_enough_seats: how many seats could be had; 0 when absent */
  char *reason;          /* unauthenticated: required, bad_credentials, locked, …; else NULL */
  char *required_role;   /* forbidden by role: the least role that may; else NULL */
  char *field;           /* the request's field at fault (create_event), or NULL */
  gint64 line, column;   /* the place in a venue_text the message names; 0 when absent */
} SbErrorMessage;

#define SB_TYPE_ERROR_MESSAGE (sb_error_message_get_type ())
GType sb_error_message_get_type (void) G_GNUC_CONST;

SbErrorMessage *sb_error_message_copy (const SbErrorMessage *message);
void sb_error_message_free (SbErrorMessage *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbErrorMessage, sb_error_message_free)

/* seats (NULL: no "seats"), hold (NULL: no "hold") and retry_after_ms (0: none) are written only
 * when given; re may be NULL (written as null). */
void sb_error_message_write (GString *out,
                             const char *re,
                             SbErrorCode code,
                             const char *message,
                             const char *const *seats,
                             const char *hold,
                             gint64 retry_after_ms,
                             gboolean replayed);

/* not_enough_seats (hold_best): with "available", the most seats that could be had. */
void sb_error_message_write_not_enough_seats (
    GString *out, const char *re, const char *message, gint64 available, gboolean replayed);
/* unauthenticated (v2): retry_after_ms is written when > 0. */
void sb_error_message_write_unauthenticated (
    GString *out, const char *re, SbAuthReason reason, const char *message, gint64 retry_after_ms);
/* forbidden because of the account's role (v2): names the least role that may. */
void sb_error_message_write_forbidden_role (GString *out,
                                            const char *re,
                                            const char *message,
                                            SbRole required_role);

G_END_DECLS
