/* lg-booker.c: the bookers' closed loop: pick 1..k seats from the shared view (or blindly, with
 * --ignore-view), hold them and book the hold (or book directly), and read the replies. See
 * lg-run-private.h. */
#include "lg-run-private.h"

static void
booker_sleep (Conn *conn, gint64 delay_us)
{
  conn->wake_at = g_get_monotonic_time () + delay_us;
  if (lg_run.next_wake == 0 || conn->wake_at < lg_run.next_wake)
    lg_run.next_wake = conn->wake_at;
}

/* Ends the booker's claim on its seats: they go back to the free set where the view has them
 * free. */
static void
booker_unclaim (Conn *conn)
{
  Event *event = lg_run.events->pdata[conn->event];

  if (lg_opt.ignore_view)
    {
      conn->n_claim = 0;
      return;
    }
  for (guint i = 0; i < conn->n_claim; i++)
    {
      guint seat = conn->claim[i];
      if (event->pending[seat])
        {
          event->pending[seat] = 0;
          event->n_pending--;
        }
      lg_view_set (event, seat, (SbSeatState) event->view[seat]);
    }
  conn->n_claim = 0;
}

/* Picks up to k seats into conn->claim. Returns FALSE when the event has none to offer now. */
static gboolean
booker_pick (Conn *conn, Event *event, guint k)
{
  conn->n_claim = 0;

  if (lg_opt.ignore_view)
    {
      /* Blind choice among the hot seats or all sellable seats, distinct within one request. */
      const guint *pool = g_str_equal (lg_opt.choice, "hotspot") ? event->hot : event->sellable;
      guint n_pool = g_str_equal (lg_opt.choice, "hotspot") ? event->n_hot : event->n_sellable;
      k = MIN (k, n_pool);
      while (conn->n_claim < k)
        {
          guint seat = pool[g_rand_int_range (lg_run.rng, 0, (gint32) n_pool)];
          gboolean dup = FALSE;
          for (guint i = 0; i < conn->n_claim; i++)
            dup |= conn->claim[i] == seat;
          if (!dup)
            conn->claim[conn->n_claim++] = seat;
        }
      return k > 0;
    }

  if (g_str_equal (lg_opt.choice, "hotspot"))
    {
      guint candidates[MAX_HOLD_SEATS * 4];
      guint n = 0;
      for (guint i = 0; i < event->n_hot && n < G_N_ELEMENTS (candidates); i++)
        if (event->free_pos[event->hot[i]] != G_MAXUINT)
          candidates[n++] = event->hot[i];
      while (conn->n_claim < k && n > 0)
        {
          guint j = (guint) g_rand_int_range (lg_run.rng, 0, (gint32) n);
          conn->claim[conn->n_claim++] = candidates[j];
          candidates[j] = candidates[--n];
        }
    }
  else
    {
      while (conn->n_claim < k && event->n_free > 0)
        {
          guint seat = event->free_list[g_rand_int_range (lg_run.rng, 0, (gint32) event->n_free)];
          lg_free_set_remove (event, seat);
          conn->claim[conn->n_claim++] = seat;
        }
    }

  for (guint i = 0; i < conn->n_claim; i++)
    {
      event->pending[conn->claim[i]] = 1;
      event->n_pending++;
      lg_free_set_remove (event, conn->claim[i]);
    }
  return conn->n_claim > 0;
}

static gboolean
event_exhausted (Event *event)
{
  if (lg_opt.ignore_view)
    return FALSE;
  if (g_str_equal (lg_opt.choice, "hotspot"))
    {
      for (guint i = 0; i < event->n_hot; i++)
        if (event->view[event->hot[i]] == SB_SEAT_FREE
            || event->view[event->hot[i]] == SB_SEAT_HELD)
          return FALSE;
      return TRUE;
    }
  return event->n_free == 0 && event->n_pending == 0;
}

void
lg_booker_next (Conn *conn)
{
  if (lg_run.phase != PHASE_RUN || conn->done || conn->ws == NULL)
    return;

  /* Stay on one event until it has nothing left, then move on to the next one. */
  Event *event = NULL;
  guint k = (guint) g_rand_int_range (lg_run.rng, 1, lg_opt.max_seats + 1);
  for (guint tries = 0; tries < lg_run.events->len; tries++)
    {
      Event *candidate = lg_run.events->pdata[conn->event];
      if (!candidate->sold_out && booker_pick (conn, candidate, k))
        {
          event = candidate;
          break;
        }
      if (!candidate->sold_out && !event_exhausted (candidate))
        {
          /* Seats are in flight elsewhere: look again shortly. */
          booker_sleep (conn, 2000);
          return;
        }
      candidate->sold_out = TRUE;
      conn->event = (conn->event + 1) % lg_run.events->len;
    }
  if (event == NULL)
    {
      conn->done = TRUE;
      return;
    }

  /* The hot path: the request lives on the stack and borrows the event's and the venue's strings,
   * so that nothing is allocated but the text. */
  gboolean book = g_str_equal (lg_opt.mode, "book");
  char id[11];
  char *seat_ids[MAX_HOLD_SEATS + 1];
  SbRequest request = { .type = book ? SB_REQUEST_BOOK : SB_REQUEST_HOLD, .since = -1 };

  request.id = lg_seq_to_id (lg_conn_track (conn, book ? REQ_BOOK : REQ_HOLD, conn->event), id);
  for (guint i = 0; i < conn->n_claim; i++)
    seat_ids[i] = sb_venue_get_seat (event->venue, conn->claim[i])->id;
  seat_ids[conn->n_claim] = NULL;
  request.event_id = event->id;
  request.seats = seat_ids;
  request.ttl_seconds = book ? 0 : lg_opt.ttl;
  lg_conn_send (conn, &request);
}

static void
booker_book_hold (Conn *conn)
{
  char id[11];
  SbRequest request = { .type = SB_REQUEST_BOOK, .hold_id = conn->hold_id, .since = -1 };

  request.id = lg_seq_to_id (lg_conn_track (conn, REQ_BOOK, conn->event), id);
  lg_conn_send (conn, &request);
}

static guint32
op_new (gint64 ack_us)
{
  Op op = { ack_us, FALSE };
  g_array_append_val (lg_run.ops, op);
  return lg_run.ops->len; /* index + 1 */
}

/* Bookers read their replies with the scanner (lg-json.h says why). */
void
lg_booker_on_reply (Conn *conn, const LgMsg *msg, const Outstanding *req, gint64 now)
{
  Event *event = lg_run.events->pdata[req->event];

  if (counting ())
    lg_hist_add (&lg_run.latency[req->kind], now - req->sent_us);

  if (lg_slice_equal (&msg->type, "error"))
    {
      g_autofree char *code = lg_json_slice_dup (&msg->code);
      if (counting ())
        count_into (lg_run.errors_by_code, code != NULL ? code : "(none)");

      if (g_strcmp0 (code, "seat_unavailable") == 0)
        {
          if (counting ())
            lg_run.n_rejected++;
          /* What the error names is taken: keep it out of the free set until the watcher says
           * otherwise, so we do not ask for it again at once. */
          g_auto (GStrv) taken = lg_json_string_array_dup (&msg->seats);
          for (guint i = 0; taken != NULL && taken[i] != NULL; i++)
            {
              guint seat = GPOINTER_TO_UINT (g_hash_table_lookup (event->seat_index, taken[i]));
              if (seat > 0 && event->view[seat - 1] == SB_SEAT_FREE)
                lg_view_set (event, seat - 1, SB_SEAT_HELD);
            }
          booker_unclaim (conn);
          lg_booker_next (conn);
        }
      else if (g_strcmp0 (code, "rate_limited") == 0)
        {
          gint64 retry_ms = 10;
          lg_json_slice_to_int (&msg->retry_after_ms, &retry_ms);
          booker_unclaim (conn);
          booker_sleep (conn, MAX (retry_ms, 1) * 1000);
        }
      else
        {
          booker_unclaim (conn);
          g_clear_pointer (&conn->hold_id, g_free);
          /* Do not spin on a persistent failure. */
          booker_sleep (conn, 10000);
        }
      return;
    }

  if (req->kind == REQ_HOLD && lg_slice_equal (&msg->type, "held"))
    {
      guint32 op = op_new (now);
      if (counting ())
        lg_run.n_holds++;
      if (!lg_opt.ignore_view)
        for (guint i = 0; i < conn->n_claim; i++)
          event->held_op[conn->claim[i]] = op;
      g_free (conn->hold_id);
      conn->hold_id = lg_json_slice_dup (&msg->hold);
      booker_book_hold (conn);
      return;
    }

  if (req->kind == REQ_BOOK && lg_slice_equal (&msg->type, "booked"))
    {
      guint32 op = op_new (now);
      g_autofree char *booking = lg_json_slice_dup (&msg->booking);

      /* The reply's seats are what the server says it booked: trust them over our claim (with
       * --ignore-view the claim is all we have to compare with). */
      g_auto (GStrv) seats = lg_json_string_array_dup (&msg->seats);
      guint n = 0;
      for (guint i = 0; seats != NULL && seats[i] != NULL; i++, n++)
        {
          guint seat = GPOINTER_TO_UINT (g_hash_table_lookup (event->seat_index, seats[i]));
          if (seat == 0)
            continue;
          seat--;
          if (event->acked_booking[seat] != NULL)
            {
              /* Two acknowledged bookings for one seat: the bug this tool exists to catch. */
              if (++lg_run.n_double_acks <= 10)
                g_printerr ("DOUBLE BOOKING: %s seat %s acknowledged as %s and %s\n", event->id,
                            seats[i], event->acked_booking[seat], booking);
            }
          else
            {
              event->acked_booking[seat] = g_strdup (booking);
              event->seats_acked++;
            }
          event->booked_op[seat] = op;
          /* The reply is the newest truth about these seats; the watcher may not have seen the
           * change yet. */
          if (event->pending[seat])
            {
              event->pending[seat] = 0;
              event->n_pending--;
            }
          lg_view_set (event, seat, SB_SEAT_BOOKED);
        }
      if (counting ())
        {
          lg_run.n_bookings++;
          lg_run.n_seats_booked += n;
        }
      booker_unclaim (conn);
      g_clear_pointer (&conn->hold_id, g_free);
      lg_booker_next (conn);
      return;
    }

  g_printerr ("unexpected reply %.*s to a %s request\n", (int) msg->type.len, msg->type.p,
              lg_req_kind_names[req->kind]);
  booker_unclaim (conn);
  booker_sleep (conn, 10000);
}
