/* sb-seat-text.c: the words that describe a seat, shared by the accessible descriptions and the
 * tooltip so that a screen reader user and a mouse user are told the same things. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sb-seat-text.h"
#include "sb-util.h"

char *
sb_seat_text_flags (SbSeatFlags flags)
{
  g_autoptr (GPtrArray) words = g_ptr_array_new ();

  if (flags & SB_SEAT_FLAG_WHEELCHAIR)
    g_ptr_array_add (words, (gpointer) _ ("wheelchair space"));
  if (flags & SB_SEAT_FLAG_COMPANION)
    g_ptr_array_add (words, (gpointer) _ ("companion seat"));
  if (flags & SB_SEAT_FLAG_RESTRICTED_VIEW)
    g_ptr_array_add (words, (gpointer) _ ("restricted view"));
  if (words->len == 0)
    return NULL;
  g_ptr_array_add (words, NULL);
  /* Translators: separates a seat's features, as in "wheelchair space, companion seat" */
  return g_strjoinv (C_ ("seat flags", ", "), (char **) words->pdata);
}

const char *
sb_seat_text_flag_symbol (SbSeatFlags flags)
{
  /* In the order that matters most to the person in the seat. */
  if (flags & SB_SEAT_FLAG_WHEELCHAIR)
    return "\u267F"; /* ♿ */
  if (flags & SB_SEAT_FLAG_COMPANION)
    return "\u271A"; /* ✚ */
  if (flags & SB_SEAT_FLAG_RESTRICTED_VIEW)
    return "\u25D0"; /* ◐ */
  return NULL;
}

char *
sb_seat_text_tooltip (SbVenue *venue, guint index, SbSeatStatus status)
{
  const SbSeat *seat;
  const SbCategory *category;
  g_autofree char *price = NULL;
  g_autofree char *flags = NULL;
  GString *text;

  g_return_val_if_fail (SB_IS_VENUE (venue), NULL);
  g_return_val_if_fail (index < sb_venue_get_n_seats (venue), NULL);

  seat = sb_venue_get_seat (venue, index);
  category = sb_venue_get_category (venue, seat->category);
  price = sb_format_price (category->price, sb_venue_get_currency (venue));
  flags = sb_seat_text_flags (seat->flags);

  text = g_string_new (NULL);
  /* Translators: the first line of a seat's tooltip: section, row and seat */
  g_string_append_printf (text, _ ("%s · Row %s · Seat %s"),
                          sb_venue_get_section (venue, seat->section)->name,
                          sb_venue_get_row (venue, seat->row)->label, seat->label);
  /* Translators: category and price in a seat's tooltip, e.g. "Premium · €65.00" */
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _ ("%s · %s"), category->name, price);
  g_string_append_c (text, '\n');
  /* The protocol names another desk's hold by its hold id only, never the desk: say no more
   * than "someone else". */
  g_string_append (text, sb_seat_status_to_string (status));
  if (flags != NULL)
    {
      /* A line of its own starts with a capital: "Wheelchair space, companion seat". */
      g_autofree char *first = g_utf8_strup (flags, g_utf8_next_char (flags) - flags);

      g_string_append_c (text, '\n');
      g_string_append (text, first);
      g_string_append (text, g_utf8_next_char (flags));
    }
  return g_string_free (text, FALSE);
}
