/* sb-client-bookings.h: the `find_bookings` request of a connection (issue 11; clerks and above:
 * the role is checked before, by sb-client-auth.c): the store worker searches and the answer is
 * `bookings` (docs/protocol.md). Private to server/. */
#pragma once

#include "sb-client.h"
#include "sb-request.h"

G_BEGIN_DECLS

void sb_client_find_bookings_request (SbClient *client, const SbRequest *request);

G_END_DECLS
