/* sb-event-item.c: one event of the server's list, with a property per field so that a row can
 * follow it. */
#include "config.h"

#include "sb-event-item.h"

struct _SbEventItem
{
  GObject parent_instance;

  char *id;
  char *name;
  char *venue;
  char *venue_id; /* NULL from a server that does not list it */
  gint64 starts_at;
  gint64 version;
  gint64 seats;
  gint64 free_seats;
};

G_DEFINE_FINAL_TYPE (SbEventItem, sb_event_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_VENUE,
  PROP_STARTS_AT,
  PROP_VERSION,
  PROP_SEATS,
  PROP_FREE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_string (SbEventItem *self, char **field, const char *value, guint prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_int64 (SbEventItem *self, gint64 *field, gint64 value, guint prop_id)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
sb_event_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SbEventItem *self = SB_EVENT_ITEM (object);

  switch (prop_id)
    {
      case PROP_ID:
        g_value_set_string (value, self->id);
        break;
      case PROP_NAME:
        g_value_set_string (value, self->name);
        break;
      case PROP_VENUE:
        g_value_set_string (value, self->venue);
        break;
      case PROP_STARTS_AT:
        g_value_set_int64 (value, self->starts_at);
        break;
      case PROP_VERSION:
        g_value_set_int64 (value, self->version);
        break;
      case PROP_SEATS:
        g_value_set_int64 (value, self->seats);
        break;
      case PROP_FREE:
        g_value_set_int64 (value, self->free_seats);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_event_item_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SbEventItem *self = SB_EVENT_ITEM (object);

  switch (prop_id)
    {
      case PROP_ID:
        self->id = g_value_dup_string (value);
        break;
      case PROP_NAME:
        set_string (self, &self->name, g_value_get_string (value), prop_id);
        break;
      case PROP_VENUE:
        set_string (self, &self->venue, g_value_get_string (value), prop_id);
        break;
      case PROP_STARTS_AT:
        set_int64 (self, &self->starts_at, g_value_get_int64 (value), prop_id);
        break;
      case PROP_VERSION:
        set_int64 (self, &self->version, g_value_get_int64 (value), prop_id);
        break;
      case PROP_SEATS:
        set_int64 (self, &self->seats, g_value_get_int64 (value), prop_id);
        break;
      case PROP_FREE:
        set_int64 (self, &self->free_seats, g_value_get_int64 (value), prop_id);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sb_event_item_finalize (GObject *object)
{
  SbEventItem *self = SB_EVENT_ITEM (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->venue);
  g_free (self->venue_id);

  G_OBJECT_CLASS (sb_event_item_parent_class)->finalize (object);
}

static void
sb_event_item_class_init (SbEventItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = sb_event_item_get_property;
  object_class->set_property = sb_event_item_set_property;
  object_class->finalize = sb_event_item_finalize;

  properties[PROP_ID] = g_param_spec_string (
      "id", NULL, NULL, NULL, G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, flags);
  /* The venue's name, as the server lists it. */
  properties[PROP_VENUE] = g_param_spec_string ("venue", NULL, NULL, NULL, flags);
  /* Unix time in ms; 0 when unknown. */
  properties[PROP_STARTS_AT]
      = g_param_spec_int64 ("starts-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_VERSION] = g_param_spec_int64 ("version", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_SEATS] = g_param_spec_int64 ("seats", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /* Seats neither held, booked nor blocked. */
  properties[PROP_FREE] = g_param_spec_int64 ("free", NULL, NULL, 0, G_MAXINT64, 0, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sb_event_item_init (SbEventItem *self)
{
}

SbEventItem *
sb_event_item_new (const char *id,
                   const char *name,
                   const char *venue,
                   gint64 starts_at,
                   gint64 version,
                   gint64 seats,
                   gint64 free_seats)
{
  g_return_val_if_fail (id != NULL, NULL);

  return g_object_new (SB_TYPE_EVENT_ITEM, "id", id, "name", name != NULL ? name : id, "venue",
                       venue != NULL ? venue : "", "starts-at", starts_at, "version",
                       MAX (version, 0), "seats", MAX (seats, 0), "free", MAX (free_seats, 0),
                       NULL);
}

const char *
sb_event_item_get_id (SbEventItem *self)
{
  g_return_val_if_fail (SB_IS_EVENT_ITEM (self), NULL);

  return self->id;
}

const char *
sb_event_item_get_name (SbEventItem *self)
{
  g_return_val_if_fail (SB_IS_EVENT_ITEM (self), NULL);

  return self->name;
}

const char *
sb_event_item_get_venue_id (SbEventItem *self)
{
  g_return_val_if_fail (SB_IS_EVENT_ITEM (self), NULL);

  return self->venue_id;
}

void
sb_event_item_set_venue_id (SbEventItem *self, const char *venue_id)
{
  g_return_if_fail (SB_IS_EVENT_ITEM (self));

  g_free (self->venue_id);
  self->venue_id = g_strdup (venue_id);
}

const char *
sb_event_item_get_venue (SbEventItem *self)
{
  g_return_val_if_fail (SB_IS_EVENT_ITEM (self), NULL);

  return self->venue;
}

gint64
sb_event_item_get_starts_at (SbEventItem *self)
{
  g_return_val_if_fail (SB_IS_EVENT_ITEM (self), 0);

  return self->starts_at;
}

gint64
sb_event_item_get_version (SbEventItem *self)
{
  g_return_val_if_fail (SB_IS_EVENT_ITEM (self), 0);

  return self->version;
}

gint64
sb_event_item_get_seats (SbEventItem *self)
{
  g_return_val_if_fail (SB_IS_EVENT_ITEM (self), 0);

  return self->seats;
}

gint64
sb_event_item_get_free (SbEventItem *self)
{
  g_return_val_if_fail (SB_IS_EVENT_ITEM (self), 0);

  return self->free_seats;
}

void
sb_event_item_set_free (SbEventItem *self, gint64 free_seats)
{
  g_return_if_fail (SB_IS_EVENT_ITEM (self));

  set_int64 (self, &self->free_seats, MAX (free_seats, 0), PROP_FREE);
}

void
sb_event_item_update (SbEventItem *self, SbEventItem *other)
{
  g_return_if_fail (SB_IS_EVENT_ITEM (self));
  g_return_if_fail (SB_IS_EVENT_ITEM (other));

  /* One notification per changed property, after all of them are set: a handler that reads
   * several fields sees the whole new listing. */
  g_object_freeze_notify (G_OBJECT (self));
  set_string (self, &self->name, other->name, PROP_NAME);
  set_string (self, &self->venue, other->venue, PROP_VENUE);
  g_free (self->venue_id);
  self->venue_id = g_strdup (other->venue_id);
  set_int64 (self, &self->starts_at, other->starts_at, PROP_STARTS_AT);
  set_int64 (self, &self->version, other->version, PROP_VERSION);
  set_int64 (self, &self->seats, other->seats, PROP_SEATS);
  set_int64 (self, &self->free_seats, other->free_seats, PROP_FREE);
  g_object_thaw_notify (G_OBJECT (self));
}
