/* sb-sqlite-bookings-private.h: find_bookings on the SQLite store (sb-sqlite-bookings.c). Private
 * to server/store/. */
#pragma once

#include "sb-sqlite-db-private.h"
#include "sb-store-bookings.h"

G_BEGIN_DECLS

GPtrArray *sb_sqlite_find_bookings (SbSqliteDb *db, const SbBookingQuery *query, GError **error);

G_END_DECLS
