/* sb-client-best.c: hold_best on the client's side (sb-client-best.h). The search itself runs in
 * the store's transaction (server/store/sb-best-available.c): memory may be behind the store, and
 * two desks asking at once must get disjoint seats. */
#include "config.h"

#include "sb-client-best.h"

char *
sb_client_best_check (SbLiveEvent *event, const SbRequest *request)
{
  SbVenue *venue;

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (request != NULL, NULL);

  if (request->categories == NULL)
    return NULL;
  venue = sb_live_event_get_venue (event);
  for (guint i = 0; request->categories[i] != NULL; i++)
    {
      guint c;

      for (c = 0; c < sb_venue_get_n_categories (venue); c++)
        if (g_str_equal (sb_venue_get_category (venue, c)->id, request->categories[i]))
          break;
      if (c == sb_venue_get_n_categories (venue))
        return g_strdup_printf ("Event %s has no category %s", request->event_id,
                                request->categories[i]);
    }
  return NULL;
}

void
sb_client_best_fill_op (SbOp *op, const SbRequest *request)
{
  g_return_if_fail (op != NULL);
  g_return_if_fail (request != NULL);

  op->best.count = (guint) request->count;
  op->best.categories = g_strdupv (request->categories);
  op->best.max_price = request->max_price;
  op->best.apart = request->apart;
}
