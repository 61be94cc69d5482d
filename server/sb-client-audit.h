/* sb-client-audit.h: the `audit` request of a connection (protocol 2, managers and admins: the
 * role is checked before, by sb-client-auth.c): the trail is read by the store worker and
 * answered with `audit_log` (docs/protocol.md). Private to server/. */
#pragma once

#include "sb-client.h"
#include "sb-request.h"

G_BEGIN_DECLS

void sb_client_audit_request (SbClient *client, const SbRequest *request);

G_END_DECLS
