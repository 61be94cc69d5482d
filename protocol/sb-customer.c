/* sb-customer.c: a booking's customer (sb-customer.h). */
#include "sb-customer.h"

#include <string.h>

#include "sb-json-writer.h"

SbCustomer *
sb_customer_new (const char *name, const char *phone, const char *email, const char *note)
{
  SbCustomer *customer = g_new0 (SbCustomer, 1);

  customer->name = g_strdup (name);
  customer->phone = g_strdup (phone);
  customer->email = g_strdup (email);
  customer->note = g_strdup (note);
  return customer;
}

SbCustomer *
sb_customer_copy (const SbCustomer *customer)
{
  if (customer == NULL)
    return NULL;
  return sb_customer_new (customer->name, customer->phone, customer->email, customer->note);
}

void
sb_customer_free (SbCustomer *customer)
{
  if (customer == NULL)
    return;
  g_free (customer->name);
  g_free (customer->phone);
  g_free (customer->email);
  g_free (customer->note);
  g_free (customer);
}

gboolean
sb_customer_equal (const SbCustomer *a, const SbCustomer *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return g_strcmp0 (a->name, b->name) == 0 && g_strcmp0 (a->phone, b->phone) == 0
         && g_strcmp0 (a->email, b->email) == 0 && g_strcmp0 (a->note, b->note) == 0;
}

/* ---- Validation ---------------------------------------------------------------------------- */

/* Characters, or -1 when there are more than max (without walking far past max). */
static glong
length_at_most (const char *s, glong max)
{
  glong n = 0;

  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    if (++n > max)
      return -1;
  return n;
}

/* A control character (Cc: C0, DEL, C1), or one of the invisible format characters that reorder or
 * hide text (bidi overrides and isolates), which have no place in a name printed on a ticket. */
static gboolean
is_forbidden (gunichar c, gboolean newlines_allowed)
{
  if (newlines_allowed && (c == '\n' || c == '\r' || c == '\t'))
    return FALSE;
  if (g_unichar_type (c) == G_UNICODE_CONTROL)
    return TRUE;
  return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

static gboolean
has_forbidden (const char *s, gboolean newlines_allowed)
{
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    if (is_forbidden (g_utf8_get_char (p), newlines_allowed))
      return TRUE;
  return FALSE;
}

static gboolean
email_has_shape (const char *s)
{
  const char *at = strchr (s, '@');
  const char *dot;

  if (at == NULL || at == s || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const char *p = s; *p != '\0'; p++)
    if (g_ascii_isspace (*p))
      return FALSE;
  /* A dot in the domain, with something on both sides of it. */
  dot = strchr (at + 1, '.');
  return dot != NULL && dot != at + 1 && s[strlen (s) - 1] != '.';
}

char *
sb_customer_check_field (const char *prefix, const char *field, const char *value)
{
  glong max;
  gboolean note;
  glong n;

  g_return_val_if_fail (prefix != NULL && field != NULL, NULL);

  note = g_str_equal (field, "note");
  if (g_str_equal (field, "name"))
    max = SB_MAX_CUSTOMER_NAME_LENGTH;
  else if (g_str_equal (field, "phone"))
    max = SB_MAX_CUSTOMER_PHONE_LENGTH;
  else if (g_str_equal (field, "email"))
    max = SB_MAX_CUSTOMER_EMAIL_LENGTH;
  else
    max = SB_MAX_CUSTOMER_NOTE_LENGTH;

  /* The JSON reader hands over valid UTF-8 only; checked anyway, since callers may not be it. */
  if (value == NULL || !g_utf8_validate (value, -1, NULL) || (n = length_at_most (value, max)) < 1)
    return g_strdup_printf ("field \"%s%s\" must be a string of 1-%ld characters", prefix, field,
                            max);
  if (has_forbidden (value, note))
    return g_strdup_printf ("field \"%s%s\" must not contain control characters%s", prefix, field,
                            note ? " other than line breaks and tabs" : "");
  if (g_str_equal (field, "name"))
    {
      g_autofree char *folded = sb_customer_fold (value);

      /* A name nobody could find it by. */
      if (folded == NULL)
        return g_strdup_printf ("field \"%s%s\" must contain a letter or a digit", prefix, field);
    }
  if (g_str_equal (field, "phone"))
    {
      g_autofree char *digits = sb_customer_phone_key (value);

      for (const char *p = value; *p != '\0'; p++)
        if (!g_ascii_isdigit (*p) && strchr (" +-()/", *p) == NULL)
          return g_strdup_printf ("field \"%s%s\" may hold only digits, spaces and + - ( ) /",
                                  prefix, field);
      if (digits == NULL)
        return g_strdup_printf ("field \"%s%s\" must contain a digit", prefix, field);
    }
  if (g_str_equal (field, "email") && !email_has_shape (value))
    return g_strdup_printf ("field \"%s%s\" must be an address like name@example.org", prefix,
                            field);
  return NULL;
}

/* ---- Reading and writing ------------------------------------------------------------------- */

static const char *const field_names[] = { "name", "phone", "email", "note" };

static char **
slot (SbCustomer *customer, guint i)
{
  char **slots[] = { &customer->name, &customer->phone, &customer->email, &customer->note };

  return slots[i];
}

gboolean
sb_customer_scan (SbJsonReader *reader, SbCustomer **out_customer, char **out_problem)
{
  g_autoptr (SbCustomer) customer = g_new0 (SbCustomer, 1);
  g_autofree char *problem = NULL;
  guint n_fields = 0;

  g_return_val_if_fail (reader != NULL && out_customer != NULL && out_problem != NULL, FALSE);

  *out_customer = NULL;
  *out_problem = NULL;
  for (;;)
    {
      const char *name;
      gboolean more;
      SbJsonValue value;
      guint i;

      if (!sb_json_reader_next_member (reader, &more, &name, NULL))
        return FALSE;
      if (!more)
        break;
      for (i = 0; i < G_N_ELEMENTS (field_names); i++)
        if (strcmp (name, field_names[i]) == 0)
          break;
      if (i == G_N_ELEMENTS (field_names) || *slot (customer, i) != NULL)
        {
          if (problem == NULL)
            problem = i == G_N_ELEMENTS (field_names)
                          ? g_strdup_printf ("unknown field \"%s\" in \"customer\"", name)
                          : g_strdup_printf ("field \"customer.%s\" appears twice", name);
          if (!sb_json_reader_skip_value (reader))
            return FALSE;
          continue;
        }
      if (!sb_json_reader_read_value (reader, &value))
        return FALSE;
      if (value.type == SB_JSON_STRING)
        *slot (customer, i) = g_strndup (value.s, value.n);
      else
        {
          if (problem == NULL)
            problem = sb_customer_check_field ("customer.", field_names[i], NULL);
          if ((value.type == SB_JSON_ARRAY || value.type == SB_JSON_OBJECT)
              && !sb_json_reader_skip_rest (reader, &value))
            return FALSE;
        }
      n_fields++;
    }

  /* The fields are checked in a fixed order, whatever their order in the frame. */
  for (guint i = 0; problem == NULL && i < G_N_ELEMENTS (field_names); i++)
    if (*slot (customer, i) != NULL)
      problem = sb_customer_check_field ("customer.", field_names[i], *slot (customer, i));
  if (problem == NULL && n_fields == 0)
    problem = g_strdup ("field \"customer\" must name at least one of name, phone, email, note");

  if (problem != NULL)
    *out_problem = g_steal_pointer (&problem);
  else
    *out_customer = g_steal_pointer (&customer);
  return TRUE;
}

void
sb_customer_write (GString *out, const SbCustomer *customer)
{
  gboolean first = TRUE;

  g_return_if_fail (out != NULL);

  if (customer == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '{');
  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    {
      const char *value = *slot ((SbCustomer *) customer, i);

      if (value == NULL)
        continue;
      if (!first)
        g_string_append_c (out, ',');
      first = FALSE;
      sb_json_write_string (out, field_names[i]);
      g_string_append_c (out, ':');
      sb_json_write_string (out, value);
    }
  g_string_append_c (out, '}');
}

SbCustomer *
sb_customer_from_json_object (JsonObject *object)
{
  SbCustomer *customer;

  if (object == NULL)
    return NULL;
  customer = g_new0 (SbCustomer, 1);
  for (guint i = 0; i < G_N_ELEMENTS (field_names); i++)
    {
      JsonNode *node = json_object_get_member (object, field_names[i]);

      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING)
        *slot (customer, i) = g_strdup (json_node_get_string (node));
    }
  return customer;
}

/* ---- Search keys --------------------------------------------------------------------------- */

char *
sb_customer_fold (const char *text)
{
  g_autofree char *decomposed = NULL;
  g_autofree char *folded = NULL;
  g_autoptr (GString) words = NULL;
  g_autoptr (GString) bare = NULL;
  gboolean in_word = FALSE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return NULL;
  decomposed = g_utf8_normalize (text, -1, G_NORMALIZE_NFD);
  if (decomposed == NULL)
    return NULL;
  /* "ü" is "u" + U+0308 in NFD: the marks go, the letters stay. */
  bare = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type != G_UNICODE_NON_SPACING_MARK && type != G_UNICODE_SPACING_MARK
          && type != G_UNICODE_ENCLOSING_MARK)
        g_string_append_unichar (bare, c);
    }
  folded = g_utf8_casefold (bare->str, bare->len);
  /* Casefolding may decompose again ("ß" -> "ss" is fine; some letters fold to base + mark). */
  g_clear_pointer (&decomposed, g_free);
  decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFC);
  words = g_string_sized_new (strlen (decomposed));
  for (const char *p = decomposed; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c))
        {
          if (!in_word && words->len > 0)
            g_string_append_c (words, ' ');
          g_string_append_unichar (words, c);
          in_word = TRUE;
        }
      else
        in_word = FALSE;
    }
  if (words->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&words), FALSE);
}

char **
sb_customer_name_keys (const char *name)
{
  g_autofree char *folded = sb_customer_fold (name);
  g_autoptr (GStrvBuilder) keys = g_strv_builder_new ();

  if (folded != NULL)
    for (const char *p = folded; p != NULL; p = strchr (p, ' '))
      {
        if (*p == ' ')
          p++;
        g_strv_builder_add (keys, p);
      }
  return g_strv_builder_end (keys);
}

char *
sb_customer_phone_key (const char *phone)
{
  GString *digits;

  if (phone == NULL)
    return NULL;
  digits = g_string_new (NULL);
  for (const char *p = phone; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len == 0)
    {
      g_string_free (digits, TRUE);
      return NULL;
    }
  return g_string_free (digits, FALSE);
}

char *
sb_customer_email_key (const char *email)
{
  if (email == NULL)
    return NULL;
  return g_utf8_casefold (email, -1);
}
