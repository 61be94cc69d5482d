/* sb-client-report.h: the `report` request of a connection (issue 11; managers and above: the
 * role is checked before, by sb-client-auth.c): the store worker reads the report and the answer
 * is `report` (docs/protocol.md). Private to server/. */
#pragma once

#include "sb-client.h"
#include "sb-request.h"

G_BEGIN_DECLS

void sb_client_report_request (SbClient *client, const SbRequest *request);

G_END_DECLS
