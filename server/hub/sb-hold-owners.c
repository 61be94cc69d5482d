/* sb-hold-owners.c: a live event's holds by desk and by account (sb-hold-owners.h). */
#include "config.h"

#include "sb-hold-owners.h"

struct _SbHoldOwners
{
  GHashTable *by_desk;    /* client id → set of items */
  GHashTable *by_account; /* account → set of items */
};

SbHoldOwners *
sb_hold_owners_new (void)
{
  SbHoldOwners *self = g_new0 (SbHoldOwners, 1);

  self->by_desk = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  self->by_account = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_hash_table_unref);
  return self;
}

void
sb_hold_owners_free (SbHoldOwners *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_desk);
  g_hash_table_unref (self->by_account);
  g_free (self);
}

static void
index_add (GHashTable *index, const char *key, gpointer item)
{
  GHashTable *set = g_hash_table_lookup (index, key);

  if (set == NULL)
    {
      set = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (index, g_strdup (key), set);
    }
  g_hash_table_add (set, item);
}

static void
index_remove (GHashTable *index, const char *key, gpointer item)
{
  GHashTable *set = g_hash_table_lookup (index, key);

  if (set == NULL)
    return;
  g_hash_table_remove (set, item);
  if (g_hash_table_size (set) == 0)
    g_hash_table_remove (index, key);
}

void
sb_hold_owners_add (SbHoldOwners *self, const char *desk, const char *account, gpointer item)
{
  index_add (self->by_desk, desk != NULL ? desk : "", item);
  if (account != NULL)
    index_add (self->by_account, account, item);
}

void
sb_hold_owners_remove (SbHoldOwners *self, const char *desk, const char *account, gpointer item)
{
  index_remove (self->by_desk, desk != NULL ? desk : "", item);
  if (account != NULL)
    index_remove (self->by_account, account, item);
}

GHashTable *
sb_hold_owners_of_desk (SbHoldOwners *self, const char *desk)
{
  return desk != NULL ? g_hash_table_lookup (self->by_desk, desk) : NULL;
}

GHashTable *
sb_hold_owners_of_account (SbHoldOwners *self, const char *account)
{
  return account != NULL ? g_hash_table_lookup (self->by_account, account) : NULL;
}
