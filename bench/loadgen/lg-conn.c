/* lg-conn.c: a connection of any role: starting it, tracking and sending its requests, the shared
 * sign-in, and the WebSocket callbacks that hand each message to the booker's or the subscriber's
 * reader. See lg-run-private.h. */
#include "lg-run-private.h"

#include <string.h>
#include <unistd.h>

const char *const lg_req_kind_names[] = { "hello", "sign_in", "subscribe", "hold", "book" };

/* The request id of sequence number seq, in decimal. By hand: g_snprintf () costs ~670
 * instructions a call (callgrind), a quarter of what serializing the whole request costs. */
char *
lg_seq_to_id (guint32 seq, char buf[11])
{
  char *p = buf + 10;

  *p = '\0';
  do
    *--p = (char) ('0' + seq % 10);
  while ((seq /= 10) != 0);
  return p;
}

guint32
lg_conn_track (Conn *conn, ReqKind kind, guint event)
{
  guint32 seq = ++conn->next_seq;

  g_assert (conn->n_out < MAX_OUTSTANDING);
  conn->out[conn->n_out++] = (Outstanding){ seq, kind, g_get_monotonic_time (), event };
  return seq;
}

/* The sequence number of a request id of ours (seq_to_id ()). */
static gboolean
seq_from_id (const char *id, gsize len, guint32 *out)
{
  guint64 seq = 0;

  if (id == NULL || len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (id[i]) || seq > G_MAXUINT32 / 10)
        return FALSE;
      seq = seq * 10 + (guint64) (id[i] - '0');
    }
  if (seq > G_MAXUINT32)
    return FALSE;
  *out = (guint32) seq;
  return TRUE;
}

/* re is the reply's "re", len bytes (a scanned slice or a read string). */
gboolean
lg_conn_untrack (Conn *conn, const char *re, gsize len, Outstanding *out)
{
  guint32 seq;

  if (!seq_from_id (re, len, &seq))
    return FALSE;
  for (guint i = 0; i < conn->n_out; i++)
    if (conn->out[i].seq == seq)
      {
        *out = conn->out[i];
        conn->out[i] = conn->out[--conn->n_out];
        return TRUE;
      }
  return FALSE;
}

void
lg_conn_send (Conn *conn, const SbRequest *request)
{
  g_autofree char *json = sb_request_to_json (request);

  if (counting ())
    lg_run.n_requests++;
  lg_ws_send_text (conn->ws, json, strlen (json));
}

static void
send_request (Conn *conn, SbRequest *request)
{
  g_autofree char *json = sb_request_to_json (request);
  lg_ws_send_text (conn->ws, json, strlen (json));
}

static void
send_hello (Conn *conn)
{
  g_autofree char *id = g_strdup_printf ("%u", lg_conn_track (conn, REQ_HELLO, 0));
  g_autofree char *client_id = g_strdup_printf ("loadgen-%d-%u", (int) getpid (), conn->index);
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_HELLO, id);

  request->client_name = g_strdup ("seatbook-loadgen");
  request->client_id = g_strdup (client_id);
  request->protocol = SB_PROTOCOL_VERSION;
  send_request (conn, request);
}

/* Sign-in (protocol 2): the first connection signs in with the password, every later one with
 * the token it got, so the server runs Argon2id once, not once per connection. Connections
 * welcomed while that first sign-in is under way wait for its token. */
static void
send_sign_in (Conn *conn)
{
  g_autofree char *id = g_strdup_printf ("%u", lg_conn_track (conn, REQ_SIGN_IN, 0));
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_SIGN_IN, id);

  if (lg_run.token != NULL)
    request->token = g_strdup (lg_run.token);
  else
    {
      request->username = g_strdup (lg_opt.username);
      request->password = g_strdup (lg_run.password);
    }
  send_request (conn, request);
}

/* After the welcome: TRUE when the connection goes on at once (no sign-in configured). */
gboolean
lg_begin_sign_in (Conn *conn)
{
  if (lg_opt.username == NULL)
    return TRUE;
  if (lg_run.token != NULL || !lg_run.password_sign_in_sent)
    {
      lg_run.password_sign_in_sent = TRUE;
      send_sign_in (conn);
    }
  else
    g_ptr_array_add (lg_run.waiting_for_token, conn);
  return FALSE;
}

/* A signed_in reply carrying the token the waiting connections sign in with. */
void
lg_got_token (const char *value)
{
  if (lg_run.token != NULL || value == NULL)
    return;
  lg_run.token = g_strdup (value);
  for (guint i = 0; i < lg_run.waiting_for_token->len; i++)
    send_sign_in (lg_run.waiting_for_token->pdata[i]);
  g_ptr_array_set_size (lg_run.waiting_for_token, 0);
}

static Event *
find_event (const char *id)
{
  for (guint i = 0; i < lg_run.events->len; i++)
    if (g_str_equal (((Event *) lg_run.events->pdata[i])->id, id))
      return lg_run.events->pdata[i];
  return NULL;
}

void
lg_send_subscribe (Conn *conn, guint sub)
{
  guint index = conn->sub_event[sub];
  g_autofree char *id = g_strdup_printf ("%u", lg_conn_track (conn, REQ_SUBSCRIBE, sub));
  g_autoptr (SbRequest) request = sb_request_new (SB_REQUEST_SUBSCRIBE, id);
  Event *event = index == G_MAXUINT ? find_event (lg_opt.idle_event) : lg_run.events->pdata[index];

  request->event_id = g_strdup (index == G_MAXUINT ? lg_opt.idle_event : event->id);
  /* A snapshot carries the whole venue (about 400 KB for the arena): --resume subscribes the way a
   * client that has the venue and state cached resumes, from the version the watcher has. */
  if (lg_opt.resume && conn->role != ROLE_WATCHER)
    request->since = event != NULL ? event->version : 0;
  send_request (conn, request);
}
/* ---- connection callbacks: each message goes to its role's reader ---- */

static void
on_opened (LgWs *ws, gint64 when, gpointer user_data)
{
  send_hello (user_data);
}

static void
on_message (LgWs *ws, const char *text, gsize len, gint64 when, gpointer user_data)
{
  Conn *conn = user_data;
  LgMsg scan;

  /* The scanner first: it is all that bookers and subscribers need (lg-json.h). */
  if (!lg_msg_scan (text, len, &scan))
    {
      g_printerr ("unreadable message: %.*s\n", (int) MIN (len, 200), text);
      return;
    }

  if (conn->role == ROLE_BOOKER)
    {
      Outstanding req;
      if (scan.re.p == NULL || !lg_conn_untrack (conn, scan.re.p, scan.re.len, &req))
        return; /* a booker subscribes to nothing: nothing else to read */
      if (req.kind == REQ_HELLO || req.kind == REQ_SIGN_IN)
        {
          if (req.kind == REQ_SIGN_IN)
            {
              /* Once per connection: the full reader, for the token. */
              g_autoptr (GError) error = NULL;
              g_autoptr (SbMessage) msg = sb_message_parse (text, len, &error);

              if (msg == NULL || msg->type != SB_MESSAGE_SIGNED_IN)
                g_error ("sign_in as %s failed: %.*s", lg_opt.username, (int) MIN (len, 300), text);
              lg_got_token (msg->signed_in->token);
            }
          else
            {
              conn->welcomed = TRUE;
              if (!lg_begin_sign_in (conn))
                return;
            }
          lg_run.n_bookers_ready++;
          lg_booker_next (conn);
        }
      else
        lg_booker_on_reply (conn, &scan, &req, when);
      return;
    }
  /* Most of what subscribers and idle connections get is bulk they do not read — each
   * `changed`'s seats, each snapshot's 409 KB venue, which sb_message_parse () reads in 22.9
   * million instructions — so they take these from the scanner; only the watcher reads them. */
  if (conn->role != ROLE_WATCHER && lg_slice_equal (&scan.type, "changed"))
    {
      lg_subscriber_on_changed (conn, scan.event.p, scan.event.len, scan.from_version, scan.version,
                                when);
      return;
    }
  if (conn->role != ROLE_WATCHER && lg_slice_equal (&scan.type, "snapshot"))
    {
      Outstanding req;
      if (scan.re.p != NULL && lg_conn_untrack (conn, scan.re.p, scan.re.len, &req))
        lg_subscriber_on_subscribed (conn, &req, scan.version, when);
      return;
    }

  g_autoptr (GError) error = NULL;
  g_autoptr (SbMessage) msg = sb_message_parse (text, len, &error);
  if (msg == NULL)
    {
      /* A newer server's message type is skipped, as the protocol asks of clients. */
      if (!g_error_matches (error, SB_MESSAGE_READ_ERROR, SB_MESSAGE_READ_ERROR_UNKNOWN_TYPE))
        g_printerr ("unreadable message (%s): %.*s\n", error->message, (int) MIN (len, 200), text);
      return;
    }
  lg_subscriber_on_message (conn, msg, when);
}

static void
on_closed (LgWs *ws, guint code, const char *reason, gpointer user_data)
{
  Conn *conn = user_data;
  g_autofree char *key = g_strdup_printf ("%u %s", code, reason != NULL ? reason : "");

  if (!conn->welcomed)
    lg_run.n_conn_failed++;
  else
    lg_run.n_conn_closed++;
  count_into (lg_run.closes_by_code, key);
  conn->ws = NULL;
  conn->done = TRUE;
  if (lg_run.n_conn_failed + lg_run.n_conn_closed <= 5)
    g_printerr ("connection %u (%s) closed: %u %s\n", conn->index,
                conn->role == ROLE_BOOKER ? "booker" : "subscriber", code, reason);
}

static const LgWsCallbacks callbacks = { on_opened, on_message, on_closed };

Conn *
lg_conn_start (Role role)
{
  g_autoptr (GError) error = NULL;
  Conn *conn = g_new0 (Conn, 1);

  conn->role = role;
  conn->index = lg_run.conns->len;
  g_ptr_array_add (lg_run.conns, conn);

  switch (role)
    {
      case ROLE_WATCHER:
        conn->n_subs = 1;
        conn->sub_event = g_new (guint, 1);
        conn->sub_event[0] = lg_run.watchers->len;
        g_ptr_array_add (lg_run.watchers, conn);
        break;
      case ROLE_SUBSCRIBER:
        {
          static guint spread = 0;
          if (g_str_equal (lg_opt.subscribe_to, "all"))
            {
              conn->n_subs = lg_run.events->len;
              conn->sub_event = g_new (guint, lg_run.events->len);
              for (guint i = 0; i < lg_run.events->len; i++)
                conn->sub_event[i] = i;
            }
          else
            {
              conn->n_subs = 1;
              conn->sub_event = g_new (guint, 1);
              conn->sub_event[0]
                  = g_str_equal (lg_opt.subscribe_to, "one") ? 0 : spread++ % lg_run.events->len;
            }
          break;
        }
      case ROLE_IDLE:
        conn->n_subs = 1;
        conn->sub_event = g_new (guint, 1);
        conn->sub_event[0] = G_MAXUINT;
        break;
      case ROLE_BOOKER:
        conn->event = lg_run.bookers->len % lg_run.events->len;
        g_ptr_array_add (lg_run.bookers, conn);
        break;
    }
  conn->sub_version = g_new (gint64, MAX (conn->n_subs, 1));
  for (guint s = 0; s < conn->n_subs; s++)
    {
      conn->sub_version[s] = -1;
      if (conn->sub_event[s] != G_MAXUINT && role != ROLE_IDLE)
        ((Event *) lg_run.events->pdata[conn->sub_event[s]])->n_observers++;
    }

  conn->ws = lg_ws_connect (lg_run.loop, &lg_run.server_address, lg_run.host_header, lg_run.ws_path,
                            &callbacks, conn, &error);
  if (conn->ws == NULL)
    {
      g_printerr ("connect: %s\n", error->message);
      lg_run.n_conn_failed++;
      conn->done = TRUE;
    }
  return conn;
}
