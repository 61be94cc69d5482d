/* sb-hold-owners.h: whose a live event's holds are, for the hold lists a client is sent: by the
 * desk (client_id) that made each, as protocol 1 and accounts=off list them, and by the account it
 * belongs to, as protocol 2 does (signed_in, snapshot, replay), whichever desk made it. The items
 * are the caller's holds, keyed by pointer. Private to server/hub/. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SbHoldOwners SbHoldOwners;

SbHoldOwners *sb_hold_owners_new (void);
void sb_hold_owners_free (SbHoldOwners *self);

/* desk NULL counts as ""; account NULL: the hold is listed by desk only. */
void sb_hold_owners_add (SbHoldOwners *self, const char *desk, const char *account, gpointer item);
void
sb_hold_owners_remove (SbHoldOwners *self, const char *desk, const char *account, gpointer item);

/* The set (item → item) of the desk's or the account's holds, owned by the index; NULL when it has
 * none or owner is NULL. */
GHashTable *sb_hold_owners_of_desk (SbHoldOwners *self, const char *desk);
GHashTable *sb_hold_owners_of_account (SbHoldOwners *self, const char *account);

G_END_DECLS
