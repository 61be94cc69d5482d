/* sb-message-fields.c: the generic half of the message readers: a JSON object is read against a
 * table of fields (sb-message-private.h), and the same table frees and copies what was read. */
#include "sb-message-private.h"

#include <string.h>

#define FIELD_AT(target, field) ((gpointer) ((char *) (target) + (field)->offset))

/* ---- Errors -------------------------------------------------------------------------------- */

static void
append_path (GString *out, const SbFieldPath *path)
{
  if (path == NULL)
    return;
  append_path (out, path->parent);
  if (path->name != NULL)
    {
      if (out->len > 0)
        g_string_append_c (out, '.');
      g_string_append (out, path->name);
    }
  if (path->index >= 0)
    g_string_append_printf (out, "[%d]", path->index);
}

gboolean
_sb_message_field_error (GError **error, const SbFieldPath *path, const char *problem)
{
  /* The path is only formatted when someone wants the message. */
  if (error == NULL)
    return FALSE;

  g_autoptr (GString) where = g_string_new (NULL);
  append_path (where, path);
  g_set_error (error, SB_MESSAGE_READ_ERROR, SB_MESSAGE_READ_ERROR_INVALID, "field \"%s\" %s",
               where->str, problem);
  return FALSE;
}

gboolean
_sb_message_syntax_error (GError **error, const SbJsonReader *reader)
{
  guint line, column;
  const char *message = sb_json_reader_get_error (reader, &line, &column);

  g_set_error (error, SB_MESSAGE_READ_ERROR, SB_MESSAGE_READ_ERROR_INVALID,
               "invalid JSON at line %u, column %u: %s", line, column,
               message != NULL ? message : "unknown error");
  return FALSE;
}

/* ---- Reading ------------------------------------------------------------------------------- */

static gboolean read_object_into (SbJsonReader *reader,
                                  const SbStructSpec *spec,
                                  gpointer target,
                                  const SbFieldPath *path,
                                  GError **error);

static gboolean
read_string_array (SbJsonReader *reader, char ***out, const SbFieldPath *path, GError **error)
{
  g_autoptr (GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);

  for (gint i = 0;; i++)
    {
      SbJsonValue item;
      gboolean more;

      if (!sb_json_reader_next_item (reader, &more))
        return _sb_message_syntax_error (error, reader);
      if (!more)
        break;
      if (!sb_json_reader_read_value (reader, &item))
        return _sb_message_syntax_error (error, reader);
      if (item.type != SB_JSON_STRING)
        {
          SbFieldPath item_path = { path, NULL, i };
          return _sb_message_field_error (error, &item_path, "must be a string");
        }
      g_ptr_array_add (strings, g_strndup (item.s, item.n));
    }
  g_ptr_array_add (strings, NULL);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&strings), FALSE);
  return TRUE;
}

static gboolean
read_struct_array (SbJsonReader *reader,
                   const SbStructSpec *spec,
                   GPtrArray **out,
                   const SbFieldPath *path,
                   GError **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (spec->free_func);

  for (gint i = 0;; i++)
    {
      SbFieldPath item_path = { path, NULL, i };
      SbJsonValue value;
      gboolean more;

      if (!sb_json_reader_next_item (reader, &more))
        return _sb_message_syntax_error (error, reader);
      if (!more)
        break;
      if (!sb_json_reader_read_value (reader, &value))
        return _sb_message_syntax_error (error, reader);
      if (value.type != SB_JSON_OBJECT)
        return _sb_message_field_error (error, &item_path, "must be an object");

      gpointer item = g_malloc0 (spec->size);
      g_ptr_array_add (items, item);
      if (!read_object_into (reader, spec, item, &item_path, error))
        return FALSE;
    }
  *out = g_steal_pointer (&items);
  return TRUE;
}

/* The value of a raw object, as written (its first byte to its last): the reader is on it. */
static gboolean
read_raw_object (SbJsonReader *reader, GBytes **out, const SbFieldPath *path, GError **error)
{
  SbJsonValue value;
  const char *start;

  /* The member's ':' is behind the reader; only whitespace is between it and the value. */
  start = reader->p;
  if (!sb_json_reader_read_value (reader, &value))
    return _sb_message_syntax_error (error, reader);
  if (value.type != SB_JSON_OBJECT)
    return _sb_message_field_error (error, path, "must be an object");
  if (!sb_json_reader_skip_rest (reader, &value))
    return _sb_message_syntax_error (error, reader);
  while (start < reader->p && *start != '{')
    start++;
  *out = g_bytes_new (start, (gsize) (reader->p - start));
  return TRUE;
}

static gboolean
read_field (SbJsonReader *reader,
            const SbFieldSpec *field,
            gpointer target,
            const SbFieldPath *path,
            GError **error)
{
  gpointer slot = FIELD_AT (target, field);
  SbJsonValue value;

  /* Kinds that look at the reader before the value is read. */
  switch (field->kind)
    {
      case SB_FIELD_RAW_OBJECT:
        return read_raw_object (reader, slot, path, error);
      case SB_FIELD_OBJECT:
      case SB_FIELD_OBJECT_OR_NULL:
        if (!sb_json_reader_read_value (reader, &value))
          return _sb_message_syntax_error (error, reader);
        if (value.type == SB_JSON_NULL && field->kind == SB_FIELD_OBJECT_OR_NULL)
          return TRUE;
        if (value.type != SB_JSON_OBJECT)
          return _sb_message_field_error (
              error, path,
              field->kind == SB_FIELD_OBJECT ? "must be an object" : "must be an object or null");
        return read_object_into (reader, field->spec, target, path, error);
      default:
        break;
    }

  if (!sb_json_reader_read_value (reader, &value))
    return _sb_message_syntax_error (error, reader);

  switch (field->kind)
    {
      case SB_FIELD_STRING_OR_NULL:
        if (value.type == SB_JSON_NULL)
          return TRUE;
        G_GNUC_FALLTHROUGH;
      case SB_FIELD_STRING:
        if (value.type != SB_JSON_STRING)
          return _sb_message_field_error (
              error, path,
              field->kind == SB_FIELD_STRING ? "must be a string" : "must be a string or null");
        *(char **) slot = g_strndup (value.s, value.n);
        return TRUE;

      case SB_FIELD_INT_OR_NULL:
        if (value.type == SB_JSON_NULL)
          {
            *(gint64 *) slot = 0;
            return TRUE;
          }
        G_GNUC_FALLTHROUGH;
      case SB_FIELD_INT:
        if (value.type != SB_JSON_INT)
          return _sb_message_field_error (error, path,
                                          field->kind == SB_FIELD_INT
                                              ? "must be a 64-bit integer"
                                              : "must be a 64-bit integer or null");
        *(gint64 *) slot = value.i;
        return TRUE;

      case SB_FIELD_NUMBER:
        if (value.type == SB_JSON_INT)
          *(double *) slot = (double) value.i;
        else if (value.type == SB_JSON_DOUBLE)
          *(double *) slot = value.d;
        else
          return _sb_message_field_error (error, path, "must be a number");
        return TRUE;

      case SB_FIELD_BOOLEAN:
        if (value.type != SB_JSON_BOOLEAN)
          return _sb_message_field_error (error, path, "must be true or false");
        *(gboolean *) slot = value.b;
        return TRUE;

      case SB_FIELD_SEAT_STATE:
        if (value.type != SB_JSON_STRING || !sb_seat_state_from_string (value.s, slot))
          return _sb_message_field_error (error, path,
                                          "must be one of \"free\", \"held\", \"booked\", "
                                          "\"blocked\"");
        return TRUE;

      case SB_FIELD_ERROR_CODE:
        if (value.type != SB_JSON_STRING || !sb_error_code_from_string (value.s, slot))
          return _sb_message_field_error (error, path, "must be an error code of the protocol");
        return TRUE;

      case SB_FIELD_ROLE:
        if (value.type != SB_JSON_STRING || !sb_role_from_string (value.s, slot))
          return _sb_message_field_error (error, path,
                                          "must be one of \"viewer\", \"clerk\", \"manager\", "
                                          "\"admin\"");
        return TRUE;

      case SB_FIELD_REFUND_KIND:
        if (value.type != SB_JSON_STRING || !sb_refund_kind_from_string (value.s, slot))
          return _sb_message_field_error (error, path,
                                          "must be one of \"full\", \"partial\", \"none\"");
        return TRUE;

      case SB_FIELD_STRV:
        if (value.type != SB_JSON_ARRAY)
          return _sb_message_field_error (error, path, "must be an array of strings");
        return read_string_array (reader, slot, path, error);

      case SB_FIELD_ARRAY:
        if (value.type != SB_JSON_ARRAY)
          return _sb_message_field_error (error, path, "must be an array of objects");
        return read_struct_array (reader, field->spec, slot, path, error);

      case SB_FIELD_OBJECT:
      case SB_FIELD_OBJECT_OR_NULL:
      case SB_FIELD_RAW_OBJECT:
      default:
        g_assert_not_reached ();
    }
}

gboolean
_sb_message_read_member (SbJsonReader *reader,
                         const SbStructSpec *spec,
                         gpointer target,
                         const char *name,
                         guint32 *seen,
                         const SbFieldPath *path,
                         gboolean *handled,
                         GError **error)
{
  *handled = FALSE;
  for (guint f = 0; f < spec->n_fields; f++)
    {
      const SbFieldSpec *field = &spec->fields[f];

      if (strcmp (name, field->name) != 0)
        continue;

      SbFieldPath field_path = { path, field->name, -1 };
      *handled = TRUE;
      /* JSON allows a repeated name but gives it no meaning: refuse rather than guess. */
      if (*seen & (1u << f))
        return _sb_message_field_error (error, &field_path, "appears twice");
      *seen |= 1u << f;
      return read_field (reader, field, target, &field_path, error);
    }
  return TRUE;
}

gboolean
_sb_message_check_required (const SbStructSpec *spec,
                            guint32 seen,
                            const SbFieldPath *path,
                            GError **error)
{
  for (guint f = 0; f < spec->n_fields; f++)
    {
      if (spec->fields[f].required && !(seen & (1u << f)))
        {
          SbFieldPath field_path = { path, spec->fields[f].name, -1 };
          return _sb_message_field_error (error, &field_path, "is missing");
        }
    }
  return TRUE;
}

/* The reader has just opened the object. */
static gboolean
read_object_into (SbJsonReader *reader,
                  const SbStructSpec *spec,
                  gpointer target,
                  const SbFieldPath *path,
                  GError **error)
{
  guint32 seen = 0;

  g_assert (spec->n_fields <= 32);

  for (;;)
    {
      const char *name;
      gboolean more, handled;

      if (!sb_json_reader_next_member (reader, &more, &name, NULL))
        return _sb_message_syntax_error (error, reader);
      if (!more)
        break;
      if (!_sb_message_read_member (reader, spec, target, name, &seen, path, &handled, error))
        return FALSE;
      /* Clients ignore members they do not know (docs/protocol.md, Conventions). */
      if (!handled && !sb_json_reader_skip_value (reader))
        return _sb_message_syntax_error (error, reader);
    }
  return _sb_message_check_required (spec, seen, path, error);
}

/* ---- Freeing and copying ------------------------------------------------------------------- */

void
_sb_message_clear_fields (const SbStructSpec *spec, gpointer target)
{
  for (guint f = 0; f < spec->n_fields; f++)
    {
      const SbFieldSpec *field = &spec->fields[f];
      gpointer slot = FIELD_AT (target, field);

      switch (field->kind)
        {
          case SB_FIELD_STRING:
          case SB_FIELD_STRING_OR_NULL:
            g_clear_pointer ((char **) slot, g_free);
            break;
          case SB_FIELD_STRV:
            g_clear_pointer ((char ***) slot, g_strfreev);
            break;
          case SB_FIELD_ARRAY:
            g_clear_pointer ((GPtrArray **) slot, g_ptr_array_unref);
            break;
          case SB_FIELD_RAW_OBJECT:
            g_clear_pointer ((GBytes **) slot, g_bytes_unref);
            break;
          case SB_FIELD_OBJECT:
          case SB_FIELD_OBJECT_OR_NULL:
            _sb_message_clear_fields (field->spec, target);
            break;
          case SB_FIELD_INT:
          case SB_FIELD_INT_OR_NULL:
          case SB_FIELD_NUMBER:
          case SB_FIELD_BOOLEAN:
          case SB_FIELD_SEAT_STATE:
          case SB_FIELD_ERROR_CODE:
          case SB_FIELD_ROLE:
          case SB_FIELD_REFUND_KIND:
          default:
            break;
        }
    }
}

/* Replaces each pointer that the fields own in @target (a byte copy of the source) by a copy. */
static void
deepen_fields (const SbStructSpec *spec, gpointer target)
{
  for (guint f = 0; f < spec->n_fields; f++)
    {
      const SbFieldSpec *field = &spec->fields[f];
      gpointer slot = FIELD_AT (target, field);

      switch (field->kind)
        {
          case SB_FIELD_STRING:
          case SB_FIELD_STRING_OR_NULL:
            *(char **) slot = g_strdup (*(char **) slot);
            break;
          case SB_FIELD_STRV:
            *(char ***) slot = g_strdupv (*(char ***) slot);
            break;
          case SB_FIELD_ARRAY:
            if (*(GPtrArray **) slot != NULL)
              /* The copy keeps the original's free function. */
              *(GPtrArray **) slot = g_ptr_array_copy (
                  *(GPtrArray **) slot, (GCopyFunc) (void (*) (void)) field->spec->copy_func, NULL);
            break;
          case SB_FIELD_RAW_OBJECT:
            if (*(GBytes **) slot != NULL)
              g_bytes_ref (*(GBytes **) slot);
            break;
          case SB_FIELD_OBJECT:
          case SB_FIELD_OBJECT_OR_NULL:
            deepen_fields (field->spec, target);
            break;
          case SB_FIELD_INT:
          case SB_FIELD_INT_OR_NULL:
          case SB_FIELD_NUMBER:
          case SB_FIELD_BOOLEAN:
          case SB_FIELD_SEAT_STATE:
          case SB_FIELD_ERROR_CODE:
          case SB_FIELD_ROLE:
          case SB_FIELD_REFUND_KIND:
          default:
            break;
        }
    }
}

gpointer
_sb_message_copy_struct (const SbStructSpec *spec, gconstpointer source)
{
  if (source == NULL)
    return NULL;

  gpointer copy = g_memdup2 (source, spec->size);
  deepen_fields (spec, copy);
  return copy;
}

void
_sb_message_free_struct (const SbStructSpec *spec, gpointer target)
{
  if (target == NULL)
    return;
  _sb_message_clear_fields (spec, target);
  g_free (target);
}
