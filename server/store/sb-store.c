/* sb-store.c: the SbStore interface, its wrappers, and sb_store_open () which picks a backend
 * from a URI. */
#include "config.h"

#include "sb-store.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>

#include "sb-event-time.h"
#include "sb-sqlite-store.h"
#ifdef HAVE_MONGODB
#include "sb-mongo-store.h"
#endif

/* The quark's name is stringified as written: keep clang-format off it. */
/* clang-format off */
G_DEFINE_QUARK (sb-store-error-quark, sb_store_error)
/* clang-format on */

G_DEFINE_INTERFACE (SbStore, sb_store, G_TYPE_OBJECT)

static void
sb_store_default_init (SbStoreInterface *iface)
{
}

void
sb_event_record_free (SbEventRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->event_id);
  g_free (record->name);
  g_free (record->venue_json);
  g_free (record->time_zone);
  g_free (record);
}

SbErrorCode
sb_event_sales_check (gint64 sales_open_ms, gint64 sales_close_ms, gint64 now_ms)
{
  if (sales_open_ms != 0 && now_ms < sales_open_ms)
    return SB_ERROR_SALES_NOT_OPEN;
  if (sales_close_ms != 0 && now_ms >= sales_close_ms)
    return SB_ERROR_SALES_CLOSED;
  return SB_ERROR_NONE;
}

const char *
sb_event_spec_check (const SbEventSpec *spec, GError **error)
{
  g_return_val_if_fail (spec != NULL, "event_id");

#define INVALID(field, ...)                                                                        \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID, __VA_ARGS__);                      \
    return field;                                                                                  \
  }                                                                                                \
  G_STMT_END

  if (spec->event_id == NULL || spec->event_id[0] == '\0')
    INVALID ("event_id", "field \"event_id\": an event needs an id");
  if (spec->name == NULL || spec->name[0] == '\0')
    INVALID ("name", "field \"name\": an event needs a name");
  if (spec->venue_json == NULL)
    INVALID ("venue", "an event needs a venue");
  if (sb_orphan_rule_to_string (spec->orphan_rule) == NULL)
    INVALID ("orphan_rule", "field \"orphan_rule\": unknown rule");
  if (spec->time_zone != NULL && !sb_time_zone_name_is_valid (spec->time_zone))
    INVALID ("time_zone",
             "field \"time_zone\": “%s” is not a known time zone (an IANA name such "
             "as Europe/Berlin)",
             spec->time_zone);
  if (spec->starts_at_ms < 0 || spec->sales_open_ms < 0 || spec->sales_close_ms < 0)
    INVALID (spec->starts_at_ms < 0    ? "starts_at"
             : spec->sales_open_ms < 0 ? "sales_open"
                                       : "sales_close",
             "times are after 1970");
  if (spec->sales_open_ms != 0 && spec->sales_close_ms != 0
      && spec->sales_close_ms <= spec->sales_open_ms)
    INVALID ("sales_close", "field \"sales_close\": sales must close after they open");
#undef INVALID
  return NULL;
}

void
sb_event_state_free (SbEventState *state)
{
  if (state == NULL)
    return;
  g_clear_pointer (&state->seats, g_ptr_array_unref);
  g_clear_pointer (&state->holds, g_ptr_array_unref);
  g_free (state);
}

SbStore *
sb_store_open (const char *uri, GError **error)
{
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_str_has_prefix (uri, "sqlite:"))
    {
      const char *path = uri + strlen ("sqlite:");

      if (*path == '\0')
        {
          g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID_URI,
                       "Store URI “%s” names no database file (use sqlite:PATH)", uri);
          return NULL;
        }
      if (g_strcmp0 (path, ":memory:") != 0)
        {
          g_autofree char *dir = g_path_get_dirname (path);

          if (g_mkdir_with_parents (dir, 0750) != 0)
            {
              int saved_errno = errno;

              g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_FAILED,
                           "Cannot create the directory “%s” for the database: %s", dir,
                           g_strerror (saved_errno));
              return NULL;
            }
        }
      return sb_sqlite_store_new (path, error);
    }

  if (g_str_has_prefix (uri, "mongodb://") || g_str_has_prefix (uri, "mongodb+srv://"))
    {
#ifdef HAVE_MONGODB
      return sb_mongo_store_new (uri, error);
#else
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID_URI,
                   "Store URI “%s” needs MongoDB support, which this build does not have", uri);
      return NULL;
#endif
    }

  g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_INVALID_URI,
               "Unknown store URI “%s”: expected sqlite:PATH or mongodb://…", uri);
  return NULL;
}

gboolean
sb_store_create_event (SbStore *self,
                       const char *event_id,
                       const char *name,
                       const char *venue_json,
                       gint64 starts_at_ms,
                       GError **error)
{
  return sb_store_create_event_with_rule (self, event_id, name, venue_json, starts_at_ms,
                                          SB_ORPHAN_RULE_OFF, error);
}

gboolean
sb_store_create_event_spec (SbStore *self, const SbEventSpec *spec, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (sb_event_spec_check (spec, error) != NULL)
    return FALSE;
  return SB_STORE_GET_IFACE (self)->create_event (self, spec, error);
}

gboolean
sb_store_create_event_with_rule (SbStore *self,
                                 const char *event_id,
                                 const char *name,
                                 const char *venue_json,
                                 gint64 starts_at_ms,
                                 SbOrphanRule orphan_rule,
                                 GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (event_id != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (venue_json != NULL, FALSE);
  g_return_val_if_fail (sb_orphan_rule_to_string (orphan_rule) != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  SbEventSpec spec = {
    .event_id = event_id,
    .name = name,
    .venue_json = venue_json,
    .starts_at_ms = starts_at_ms,
    .orphan_rule = orphan_rule,
  };

  return SB_STORE_GET_IFACE (self)->create_event (self, &spec, error);
}

gboolean
sb_store_close_sales (SbStore *self,
                      const char *event_id,
                      const char *account,
                      const char *desk,
                      gint64 now_ms,
                      gint64 *out_close_ms,
                      gboolean *out_changed,
                      GError **error)
{
  g_autoptr (SbAuditRecord) entry = NULL;
  gint64 close_ms = 0;
  gboolean changed = FALSE;

  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (event_id != NULL && account != NULL && desk != NULL, FALSE);
  g_return_val_if_fail (now_ms > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (SB_STORE_GET_IFACE (self)->close_sales == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNSUPPORTED,
                   "This store cannot close sales");
      return FALSE;
    }
  entry = sb_audit_record_new (event_id, now_ms, account, desk, "close_sales", NULL, NULL, NULL,
                               "sales closed");
  if (!SB_STORE_GET_IFACE (self)->close_sales (self, entry, &close_ms, &changed, error))
    return FALSE;
  if (out_close_ms != NULL)
    *out_close_ms = close_ms;
  if (out_changed != NULL)
    *out_changed = changed;
  return TRUE;
}

GPtrArray *
sb_store_list_events (SbStore *self, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return SB_STORE_GET_IFACE (self)->list_events (self, error);
}

SbEventState *
sb_store_load_event (SbStore *self, const char *event_id, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return SB_STORE_GET_IFACE (self)->load_event (self, event_id, error);
}

gboolean
sb_store_apply (SbStore *self, GPtrArray *ops, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (ops != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (ops->len == 0)
    return TRUE;
  return SB_STORE_GET_IFACE (self)->apply (self, ops, error);
}

GPtrArray *
sb_store_changes_since (SbStore *self, const char *event_id, gint64 since_version, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return SB_STORE_GET_IFACE (self)->changes_since (self, event_id, since_version, error);
}

gboolean
sb_store_prune (SbStore *self, gint64 older_than_ms, GError **error)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return SB_STORE_GET_IFACE (self)->prune (self, older_than_ms, error);
}

gboolean
sb_store_check (SbStore *self, GError **error)
{
  SbStoreInterface *iface;

  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = SB_STORE_GET_IFACE (self);
  return iface->check == NULL || iface->check (self, error);
}

gboolean
sb_store_can_watch (SbStore *self)
{
  g_return_val_if_fail (SB_IS_STORE (self), FALSE);

  return SB_STORE_GET_IFACE (self)->watch != NULL;
}

gboolean
sb_store_watch (SbStore *self, SbStoreChangeFunc func, gpointer user_data, GError **error)
{
  SbStoreInterface *iface;

  g_return_val_if_fail (SB_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  iface = SB_STORE_GET_IFACE (self);
  if (iface->watch == NULL)
    {
      g_set_error (error, SB_STORE_ERROR, SB_STORE_ERROR_UNSUPPORTED,
                   "This store does not report changes made by other processes");
      return FALSE;
    }
  return iface->watch (self, func, user_data, error);
}
