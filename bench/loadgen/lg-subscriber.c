/* lg-subscriber.c: the connections that subscribe: the watchers (one per event, keeping the seat
 * view and a log of its changes), the subscribers (whose `changed` messages are timed) and the
 * idle ones. See lg-run-private.h. */
#include "lg-run-private.h"

#include <string.h>

static void
watcher_on_changed (Conn *conn, Event *event, const SbChangedMessage *changed)
{
  WatchMsg log = { changed->from_version, changed->version, event->watch_entries->len, 0 };

  for (guint i = 0; i < changed->seats->len; i++)
    {
      const SbSeatUpdate *update = g_ptr_array_index (changed->seats, i);
      SbSeatState state = update->state;
      guint seat;
      if (!lg_seat_lookup (event, update->id, &seat))
        continue;
      /* Do not let a hold we already know was booked turn a seat back into "held". */
      if (!(event->view[seat] == SB_SEAT_BOOKED && state == SB_SEAT_HELD))
        lg_view_set (event, seat, state);
      guint32 entry = seat << 2 | (guint32) state;
      g_array_append_val (event->watch_entries, entry);
      log.n_entries++;
    }
  if (counting () || lg_run.phase == PHASE_BOOKERS)
    g_array_append_val (event->watch_msgs, log);
  event->version = MAX (event->version, changed->version);
}

static void
conn_all_subscribed (Conn *conn)
{
  if (conn->role == ROLE_WATCHER)
    lg_run.n_watchers_ready++;
  else
    lg_run.n_ready++;
}

/* A `changed` moved event_id (event_len bytes) from version `from` to `to`. Returns the event
 * when this connection subscribes to it. */
Event *
lg_subscriber_on_changed (
    Conn *conn, const char *event_id, gsize event_len, gint64 from, gint64 to, gint64 now)
{
  if (conn->role == ROLE_IDLE)
    {
      if (counting ())
        lg_run.n_idle_msgs++;
      return NULL;
    }
  if (counting ())
    lg_run.n_changed_msgs++;
  /* Find the subscription by event id: a connection watches few events. */
  for (guint s = 0; s < conn->n_subs; s++)
    {
      Event *event = lg_run.events->pdata[conn->sub_event[s]];
      if (strncmp (event->id, event_id, event_len) != 0 || event->id[event_len] != '\0')
        continue;
      if (conn->sub_version[s] >= 0 && from != conn->sub_version[s])
        lg_run.n_gaps++;
      conn->sub_version[s] = to;
      lg_observe_versions (event, from, to, now, conn->role == ROLE_SUBSCRIBER);
      return event;
    }
  return NULL;
}

/* The reply to subscribe request req brought the subscription to version: on to the next one. */
void
lg_subscriber_on_subscribed (Conn *conn, const Outstanding *req, gint64 version, gint64 now)
{
  if (lg_run.phase <= PHASE_BOOKERS || counting ())
    lg_hist_add (&lg_run.latency[req->kind], now - req->sent_us);
  conn->sub_version[req->event] = version;
  if (++conn->n_subscribed == conn->n_subs)
    conn_all_subscribed (conn);
  else
    lg_send_subscribe (conn, conn->n_subscribed);
}

/* Everything but the subscribers' `changed` and snapshots: the subscriptions and the watcher's
 * view, read with protocol/'s typed readers. */
void
lg_subscriber_on_message (Conn *conn, const SbMessage *msg, gint64 now)
{
  if (msg->type == SB_MESSAGE_CHANGED)
    {
      const SbChangedMessage *changed = msg->changed;
      Event *event = lg_subscriber_on_changed (conn, changed->event, strlen (changed->event),
                                               changed->from_version, changed->version, now);
      if (event != NULL && conn->role == ROLE_WATCHER)
        watcher_on_changed (conn, event, changed);
      return;
    }

  Outstanding req;
  if (msg->re == NULL || !lg_conn_untrack (conn, msg->re, strlen (msg->re), &req))
    return;
  if (msg->type == SB_MESSAGE_SNAPSHOT || msg->type == SB_MESSAGE_REPLAY)
    {
      if (conn->role == ROLE_WATCHER)
        {
          g_autoptr (GError) error = NULL;
          Event *event = lg_run.events->pdata[conn->sub_event[req.event]];
          if (msg->type != SB_MESSAGE_SNAPSHOT)
            g_error ("event %s: the watcher needs a snapshot, got a replay", event->id);
          if (!lg_event_load_snapshot (event, msg->snapshot, &error))
            g_error ("event %s: unusable snapshot: %s", event->id, error->message);
        }
      lg_subscriber_on_subscribed (
          conn, &req,
          msg->type == SB_MESSAGE_SNAPSHOT ? msg->snapshot->version : msg->replay->version, now);
      return;
    }

  if (lg_run.phase <= PHASE_BOOKERS || counting ())
    lg_hist_add (&lg_run.latency[req.kind], now - req.sent_us);
  if (msg->type == SB_MESSAGE_WELCOME || msg->type == SB_MESSAGE_SIGNED_IN)
    {
      if (msg->type == SB_MESSAGE_SIGNED_IN)
        lg_got_token (msg->signed_in->token);
      else
        {
          conn->welcomed = TRUE;
          if (!lg_begin_sign_in (conn))
            return;
        }
      /* One subscription at a time: subscribing to 20 events at once would queue 20 snapshots
       * (8 MB) for one connection, which a server may rightly treat as a client too slow. */
      if (conn->n_subs > 0)
        lg_send_subscribe (conn, 0);
      else
        conn_all_subscribed (conn);
    }
  else if (msg->type == SB_MESSAGE_ERROR)
    {
      const char *code = sb_error_code_to_string (msg->error->code);
      if (req.kind == REQ_SIGN_IN)
        g_error ("sign_in as %s failed: %s", lg_opt.username, msg->error->message);
      g_printerr ("%s request failed: %s\n", lg_req_kind_names[req.kind], code);
      count_into (lg_run.errors_by_code, code != NULL ? code : "(none)");
      /* Go on with the other subscriptions; the connection counts as ready without this one. */
      if (req.kind == REQ_SUBSCRIBE && ++conn->n_subscribed == conn->n_subs)
        conn_all_subscribed (conn);
      else if (req.kind == REQ_SUBSCRIBE)
        lg_send_subscribe (conn, conn->n_subscribed);
    }
}
