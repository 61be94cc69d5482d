/* sb-mongo-store.h: the MongoDB store backend (built only when libmongoc is found). */
#pragma once

#include "sb-store.h"

G_BEGIN_DECLS

#define SB_TYPE_MONGO_STORE (sb_mongo_store_get_type ())
G_DECLARE_FINAL_TYPE (SbMongoStore, sb_mongo_store, SB, MONGO_STORE, GObject)

/* Connects to uri ("mongodb://…"). */
G_GNUC_WARN_UNUSED_RESULT
SbStore *sb_mongo_store_new (const char *uri, GError **error);

G_END_DECLS
