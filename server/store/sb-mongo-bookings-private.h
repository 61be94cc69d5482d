/* sb-mongo-bookings-private.h: a booking's customer in the MongoDB store, and find_bookings on it
 * (sb-mongo-bookings.c). Private to server/store/. */
#pragma once

#include <mongoc/mongoc.h>

#include "sb-store-bookings.h"

G_BEGIN_DECLS

/* Appends customer {name, phone, email, note} and the search keys name_keys (an array: a multikey
 * index), phone_key and email_key (sb-customer.h) to a booking document. */
void sb_mongo_append_customer (bson_t *doc, const SbCustomer *customer);

GPtrArray *sb_mongo_find_bookings (mongoc_client_t *client,
                                   const char *db_name,
                                   const SbBookingQuery *query,
                                   GError **error);

G_END_DECLS
