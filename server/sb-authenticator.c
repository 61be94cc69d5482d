/* sb-authenticator.c: see sb-authenticator.h. Every step of a sign-in is a callback on the main
 * context; the store work is a job on the store worker and the password check a job on the
 * verification pool, so a sign-in never holds the loop and never holds bookings up for the
 * length of an Argon2id hash. */
#include "config.h"

#include "sb-authenticator.h"

#include "sb-credentials.h"
#include "sb-sign-in-throttle.h"
#include "sb-store-accounts.h"
#include "sb-store-audit.h"

#define REVISION_POLL_SECONDS 1
#define VERIFY_THREADS 2
/* How often a sign-in starts again because its account changed while its password was checked
 * (each start re-reads the account and checks the password again against it). */
#define MAX_ACCOUNT_CHANGES 3
/* Password sign-ins between their start and the end of their password check, server-wide: two
 * threads hash, more at once would only wait in the pool. Others wait in `waiting`. */
#define MAX_CHECKING 8
/* Password sign-ins waiting for a turn, server-wide and from one address; beyond, they are
 * answered rate_limited at once, so one address cannot queue unbounded Argon2id work. */
#define MAX_WAITING 256
#define MAX_WAITING_PER_ADDRESS 32
#define BUSY_RETRY_MS 1000

struct _SbAuthenticator
{
  GObject parent_instance;

  SbStoreWorker *worker;
  SbMetrics *metrics;
  SbAuthenticatorHooks hooks;
  gint64 session_ms;
  SbSignInThrottle *throttle;
  GThreadPool *verify_pool;
  GMainContext *context;

  /* Password sign-ins being checked now, per account and per address (name → count): with the
   * failures already counted they never exceed what the throttle still allows (review finding 2:
   * forty sign-ins sent at once all had their passwords checked against a limit of five). */
  GHashTable *checking_accounts;
  GHashTable *checking_addresses;
  guint n_checking;
  GQueue waiting; /* Attempts, oldest first */

  guint poll_source;
  gboolean stopped; /* the server is going: outcomes are no longer delivered */
  gboolean polling; /* a revision read or session check is under way */
  gboolean have_revision;
  gint64 revision;
};

G_DEFINE_FINAL_TYPE (SbAuthenticator, sb_authenticator, G_TYPE_OBJECT)

void
sb_sign_in_outcome_free (SbSignInOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->request_id);
  g_free (outcome->username);
  sb_secret_free (outcome->token);
  g_free (outcome->token_hash);
  g_free (outcome);
}

/* One sign-in, from the request to its outcome. */
typedef struct
{
  SbAuthenticator *self; /* ref */
  guint64 serial;
  char *request_id;
  char *username;
  char *password; /* wiped when freed */
  char *token;    /* wiped when freed */
  char *address;
  char *desk;
  /* What failures count against for the address: the address for passwords, "token ADDRESS" for
   * tokens, so that a guessing run of passwords from a shared address (a NAT, a proxy) does not
   * lock out the desks behind it that reconnect with their tokens (review finding 6). */
  char *throttle_address;
  SbAccountRecord *account;
  gboolean verified;
  guint account_changes; /* how often the account changed under this attempt */
  gboolean checking;     /* counted in checking_accounts / checking_addresses */
  gboolean audited;      /* its entry was written with its session (set once that committed) */
} Attempt;

static void
attempt_free (Attempt *attempt)
{
  g_object_unref (attempt->self);
  g_free (attempt->request_id);
  g_free (attempt->username);
  sb_secret_free (attempt->password);
  sb_secret_free (attempt->token);
  g_free (attempt->address);
  g_free (attempt->desk);
  g_free (attempt->throttle_address);
  g_clear_pointer (&attempt->account, sb_account_record_free);
  g_free (attempt);
}

static SbSignInOutcome *
outcome_new (Attempt *attempt, SbSignInResult result)
{
  SbSignInOutcome *outcome = g_new0 (SbSignInOutcome, 1);

  outcome->request_id = g_strdup (attempt->request_id);
  outcome->result = result;
  return outcome;
}

/* The audit entry of a sign-in (docs/protocol.md, audit_log): the account signed in, or the name
 * tried ("" for an unknown token); the detail says how, or why not, and from where. */
static SbAuditRecord *
sign_in_record (Attempt *attempt, SbSignInResult result, const char *username, gint64 at_ms)
{
  static const char *const reasons[SB_SIGN_IN_N_RESULTS] = {
    [SB_SIGN_IN_OK] = "ok",           [SB_SIGN_IN_BAD_CREDENTIALS] = "bad_credentials",
    [SB_SIGN_IN_LOCKED] = "locked",   [SB_SIGN_IN_DISABLED] = "disabled",
    [SB_SIGN_IN_EXPIRED] = "expired", [SB_SIGN_IN_REVOKED] = "revoked",
    [SB_SIGN_IN_BUSY] = "busy",       [SB_SIGN_IN_UNAVAILABLE] = "unavailable",
  };
  g_autofree char *detail
      = g_strdup_printf ("%s%s, from %s", attempt->token != NULL ? "token, " : "password, ",
                         reasons[result], attempt->address != NULL ? attempt->address : "?");

  return sb_audit_record_new ("", at_ms, username != NULL ? username : "", attempt->desk,
                              result == SB_SIGN_IN_OK ? "sign_in" : "sign_in_failed", NULL, NULL,
                              NULL, detail);
}

static gpointer
audit_run (SbStore *store, gpointer job_data, GError **error)
{
  return sb_store_audit_sign_in (store, job_data, NULL, 0, 0, error) ? GINT_TO_POINTER (1) : NULL;
}

static void
on_audited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &error) == NULL)
    g_warning ("Cannot record a sign-in in the audit trail: %s", error->message);
}

/* Hands the outcome over and ends the attempt. */
static void
finish (Attempt *attempt, SbSignInOutcome *outcome)
{
  SbAuthenticator *self = attempt->self;

  /* A failure changes nothing in the store: its entry is a write of its own. */
  if (!attempt->audited && !self->stopped)
    sb_store_worker_call (
        self->worker, audit_run,
        sign_in_record (attempt, outcome->result,
                        outcome->username != NULL ? outcome->username : attempt->username,
                        sb_now_ms ()),
        (GDestroyNotify) sb_audit_record_free, on_audited, NULL);
  sb_metrics_count_sign_in (self->metrics, outcome->result);
  if (!self->stopped)
    self->hooks.deliver (attempt->serial, outcome, self->hooks.user_data);
  else
    sb_sign_in_outcome_free (outcome);
  attempt_free (attempt);
}

static void
finish_with (Attempt *attempt, SbSignInResult result)
{
  finish (attempt, outcome_new (attempt, result));
}

static gboolean
on_failure_delay_over (gpointer user_data)
{
  finish_with (user_data, SB_SIGN_IN_BAD_CREDENTIALS);
  return G_SOURCE_REMOVE;
}

/* A wrong password, an unknown account or an unknown token: counted, and answered only after a
 * delay that grows with the failures (a timer: the loop goes on meanwhile). */
static void
fail (Attempt *attempt)
{
  SbAuthenticator *self = attempt->self;
  gint64 now_ms = sb_now_ms ();
  gint64 delay_ms = sb_sign_in_throttle_failure (self->throttle, attempt->username,
                                                 attempt->throttle_address, now_ms, NULL);

  g_info ("Sign-in failed for %s from %s",
          attempt->username != NULL ? attempt->username
          : attempt->token != NULL  ? "(token)"
                                    : "(an impossible username)",
          attempt->address);
  g_autoptr (GSource) source = g_timeout_source_new ((guint) MAX (delay_ms, 0));
  g_source_set_callback (source, on_failure_delay_over, attempt, NULL);
  g_source_attach (source, self->context);
}

/* Sessions */

typedef struct
{
  char *token_hash;
  SbAuditRecord *record; /* the sign_in entry: account, desk, the session's start */
  gint64 account_generation;
  gint64 expires_at_ms;
} SessionJob;

static void
session_job_free (gpointer data)
{
  SessionJob *job = data;

  g_free (job->token_hash);
  sb_audit_record_free (job->record);
  g_free (job);
}

static gpointer
put_session_run (SbStore *store, gpointer job_data, GError **error)
{
  SessionJob *job = job_data;

  /* The session and its audit entry in one store call (one transaction in SQLite), the session
   * only if the account is still as it was read (sb_store_session_put ()). */
  if (!sb_store_audit_sign_in (store, job->record, job->token_hash, job->account_generation,
                               job->expires_at_ms, error))
    return NULL;
  return GINT_TO_POINTER (1);
}

typedef struct
{
  Attempt *attempt;
  SbSignInOutcome *outcome;
} SessionPut;

static void submit_by_password (Attempt *attempt);

static void
on_session_put (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SessionPut *put = user_data;
  g_autoptr (GError) error = NULL;

  if (sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &error) == NULL
      && g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_CHANGED)
      && ++put->attempt->account_changes < MAX_ACCOUNT_CHANGES)
    {
      /* A new password, role or disabling came between the read and the session: the password
       * is checked again against the account as it is now. */
      g_info ("The account %s changed during its sign-in: checking again", put->attempt->username);
      g_clear_pointer (&put->attempt->account, sb_account_record_free);
      put->attempt->verified = FALSE;
      submit_by_password (put->attempt);
      sb_sign_in_outcome_free (put->outcome);
      g_free (put);
      return;
    }
  if (error != NULL)
    {
      /* The store failed: nothing was granted, nothing counts against the account (it is not the
       * client's failure); the client may try again (review finding 4). */
      g_warning ("Cannot record a session for %s: %s", put->attempt->username, error->message);
      put->outcome->result = SB_SIGN_IN_UNAVAILABLE;
      g_clear_pointer (&put->outcome->token, sb_secret_free);
      g_clear_pointer (&put->outcome->token_hash, g_free);
      g_clear_pointer (&put->outcome->username, g_free);
    }
  else
    {
      g_info ("%s signed in from %s", put->attempt->username, put->attempt->address);
      put->attempt->audited = TRUE;
    }
  finish (put->attempt, put->outcome);
  g_free (put);
}

/* The password was right and the account may sign in: a new session. */
static void
grant (Attempt *attempt)
{
  SbAuthenticator *self = attempt->self;
  SbSignInOutcome *outcome = outcome_new (attempt, SB_SIGN_IN_OK);
  SessionJob *job = g_new0 (SessionJob, 1);
  SessionPut *put = g_new0 (SessionPut, 1);
  gint64 now_ms = sb_now_ms ();

  sb_sign_in_throttle_success (self->throttle, attempt->username);
  outcome->username = g_strdup (attempt->account->username);
  outcome->role = attempt->account->role;
  outcome->token = sb_session_token_new ();
  outcome->token_hash = sb_session_token_hash (outcome->token);
  outcome->expires_at_ms = now_ms + self->session_ms;

  job->token_hash = g_strdup (outcome->token_hash);
  job->record = sign_in_record (attempt, SB_SIGN_IN_OK, outcome->username, now_ms);
  job->account_generation = attempt->account->generation;
  job->expires_at_ms = outcome->expires_at_ms;
  put->attempt = attempt;
  put->outcome = outcome;
  sb_store_worker_call (self->worker, put_session_run, job, session_job_free, on_session_put, put);
}

/* By password */

static void release_check (SbAuthenticator *self, const char *username, const char *address);

static gboolean
on_verified (gpointer user_data)
{
  Attempt *attempt = user_data;
  g_autoptr (SbAuthenticator) self = g_object_ref (attempt->self);
  g_autofree char *username = g_strdup (attempt->username);
  g_autofree char *address = g_strdup (attempt->address);
  gint64 locked_ms;

  g_assert (attempt->checking);
  attempt->checking = FALSE;
  if (!attempt->verified)
    fail (attempt);
  else if (attempt->account->disabled)
    finish_with (attempt, SB_SIGN_IN_DISABLED);
  else if ((locked_ms = sb_sign_in_throttle_check (attempt->self->throttle, attempt->username,
                                                   attempt->address, sb_now_ms ()))
           > 0)
    {
      /* Locked while this password was checked, by others' failures: a lock is a lock. */
      SbSignInOutcome *outcome = outcome_new (attempt, SB_SIGN_IN_LOCKED);

      outcome->retry_after_ms = locked_ms;
      finish (attempt, outcome);
    }
  else
    grant (attempt);
  /* Only now that a failure is counted (fail ()) is the turn given back: the two together never
   * let more checks run than the throttle allows. */
  release_check (self, username, address);
  return G_SOURCE_REMOVE;
}

/* A hash of a password nobody knows: an unknown account costs as much as a known one, so the
 * time of the answer does not tell which usernames exist. */
static const char *
decoy_hash (void)
{
  static char *hash = NULL;

  if (g_once_init_enter (&hash))
    {
      g_auto (SbSecret) password = sb_password_generate ();
      char *value = sb_password_hash (password, NULL);

      g_once_init_leave (&hash, value != NULL ? value : g_strdup (""));
    }
  return hash;
}

/* On a verification thread. */
static void
verify_run (gpointer data, gpointer pool_data)
{
  Attempt *attempt = data;
  const char *hash = attempt->account != NULL && *attempt->account->password_hash != '\0'
                         ? attempt->account->password_hash
                         : decoy_hash ();
  gboolean ok = sb_password_verify (hash, attempt->password);

  attempt->verified = ok && attempt->account != NULL && *attempt->account->password_hash != '\0';
  g_autoptr (GSource) source = g_idle_source_new ();
  g_source_set_callback (source, on_verified, attempt, NULL);
  g_source_attach (source, attempt->self->context);
}

static gpointer
get_account_run (SbStore *store, gpointer job_data, GError **error)
{
  return sb_store_account_get (store, job_data, error);
}

static void
on_account (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Attempt *attempt = user_data;
  g_autoptr (GError) error = NULL;

  attempt->account = sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &error);
  if (attempt->account == NULL
      && !g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
    {
      /* Not a wrong password: not checked, not counted, answered `unavailable`. */
      g_autoptr (SbAuthenticator) self = g_object_ref (attempt->self);
      g_autofree char *username = g_strdup (attempt->username);
      g_autofree char *address = g_strdup (attempt->address);

      g_warning ("Cannot read the account %s: %s", attempt->username, error->message);
      attempt->checking = FALSE;
      finish_with (attempt, SB_SIGN_IN_UNAVAILABLE);
      release_check (self, username, address);
      return;
    }
  g_thread_pool_push (attempt->self->verify_pool, attempt, NULL);
}

/* Password checks under way: what may start, and the queue of what may not yet. */

static guint
count_of (GHashTable *table, const char *key)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (table, key));
}

static void
add_count (GHashTable *table, const char *key, int delta)
{
  guint n = count_of (table, key) + delta;

  if (n == 0)
    g_hash_table_remove (table, key);
  else
    g_hash_table_insert (table, g_strdup (key), GUINT_TO_POINTER (n));
}

static gboolean
may_check_now (SbAuthenticator *self, Attempt *attempt)
{
  guint account_left, address_left;

  if (self->n_checking >= MAX_CHECKING)
    return FALSE;
  sb_sign_in_throttle_failures_left (self->throttle, attempt->username, attempt->address,
                                     sb_now_ms (), &account_left, &address_left);
  return count_of (self->checking_accounts, attempt->username) < account_left
         && count_of (self->checking_addresses, attempt->address) < address_left;
}

static void
start_check (Attempt *attempt)
{
  SbAuthenticator *self = attempt->self;

  attempt->checking = TRUE;
  self->n_checking++;
  add_count (self->checking_accounts, attempt->username, 1);
  add_count (self->checking_addresses, attempt->address, 1);
  sb_store_worker_call (self->worker, get_account_run, g_strdup (attempt->username), g_free,
                        on_account, attempt);
}

static guint
count_waiting_from (SbAuthenticator *self, const char *address)
{
  guint n = 0;

  for (GList *l = self->waiting.head; l != NULL; l = l->next)
    if (g_str_equal (((Attempt *) l->data)->address, address))
      n++;
  return n;
}

static void
submit_by_password (Attempt *attempt)
{
  SbAuthenticator *self = attempt->self;

  if (g_queue_is_empty (&self->waiting) && may_check_now (self, attempt))
    start_check (attempt);
  else if (self->waiting.length >= MAX_WAITING
           || count_waiting_from (self, attempt->address) >= MAX_WAITING_PER_ADDRESS)
    {
      SbSignInOutcome *outcome = outcome_new (attempt, SB_SIGN_IN_BUSY);

      outcome->retry_after_ms = BUSY_RETRY_MS;
      finish (attempt, outcome);
    }
  else
    g_queue_push_tail (&self->waiting, attempt);
}

/* A check ended: the waiting sign-ins that may go now go, in their order; those whose account or
 * address got locked meanwhile are refused. */
static void
release_check (SbAuthenticator *self, const char *username, const char *address)
{
  GList *l;

  self->n_checking--;
  add_count (self->checking_accounts, username, -1);
  add_count (self->checking_addresses, address, -1);

  l = self->waiting.head;
  while (l != NULL && self->n_checking < MAX_CHECKING)
    {
      Attempt *next = l->data;
      GList *following = l->next;
      gint64 locked_ms
          = sb_sign_in_throttle_check (self->throttle, next->username, next->address, sb_now_ms ());

      if (locked_ms > 0)
        {
          SbSignInOutcome *outcome = outcome_new (next, SB_SIGN_IN_LOCKED);

          g_queue_delete_link (&self->waiting, l);
          outcome->retry_after_ms = locked_ms;
          finish (next, outcome);
        }
      else if (may_check_now (self, next))
        {
          g_queue_delete_link (&self->waiting, l);
          start_check (next);
        }
      l = following;
    }
}

/* By token */

static gpointer
get_session_run (SbStore *store, gpointer job_data, GError **error)
{
  return sb_store_session_get (store, job_data, error);
}

static void
on_token_session (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Attempt *attempt = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (SbSessionRecord) session
      = sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &error);
  SbSignInOutcome *outcome;

  if (session == NULL)
    {
      if (g_error_matches (error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
        fail (attempt);
      else
        {
          g_warning ("Cannot read a session: %s", error->message);
          finish_with (attempt, SB_SIGN_IN_UNAVAILABLE);
        }
      return;
    }
  if (session->disabled)
    {
      finish_with (attempt, SB_SIGN_IN_DISABLED);
      return;
    }
  if (session->revoked)
    {
      finish_with (attempt, SB_SIGN_IN_REVOKED);
      return;
    }
  if (session->expires_at_ms <= sb_now_ms ())
    {
      finish_with (attempt, SB_SIGN_IN_EXPIRED);
      return;
    }
  outcome = outcome_new (attempt, SB_SIGN_IN_OK);
  outcome->username = g_strdup (session->username);
  outcome->role = session->role;
  outcome->token = g_strdup (attempt->token);
  outcome->token_hash = sb_session_token_hash (attempt->token);
  outcome->expires_at_ms = session->expires_at_ms;
  finish (attempt, outcome);
}

void
sb_authenticator_sign_in (SbAuthenticator *self,
                          guint64 serial,
                          const char *request_id,
                          const char *username,
                          const char *password,
                          const char *token,
                          const char *address,
                          const char *desk)
{
  g_return_if_fail (SB_IS_AUTHENTICATOR (self));
  g_return_if_fail ((token != NULL) != (username != NULL && password != NULL));

  Attempt *attempt = g_new0 (Attempt, 1);
  gint64 locked_ms;

  attempt->self = g_object_ref (self);
  attempt->serial = serial;
  attempt->request_id = g_strdup (request_id);
  /* A name no account can have (sb_username_is_valid (), as `user add` requires) is a wrong
   * credential at once: never looked up, never logged (it could forge log lines, review finding
   * 7), counted against the address only. */
  attempt->username = sb_username_is_valid (username) ? g_strdup (username) : NULL;
  attempt->password = g_strdup (password);
  attempt->token = g_strdup (token);
  attempt->address = g_strdup (address);
  attempt->desk = g_strdup (desk);
  attempt->throttle_address
      = token != NULL ? g_strconcat ("token ", address, NULL) : g_strdup (address);

  /* A locked account or address is refused without looking at the password. */
  locked_ms = sb_sign_in_throttle_check (self->throttle, username, attempt->throttle_address,
                                         sb_now_ms ());
  if (locked_ms > 0)
    {
      SbSignInOutcome *outcome = outcome_new (attempt, SB_SIGN_IN_LOCKED);

      outcome->retry_after_ms = locked_ms;
      finish (attempt, outcome);
      return;
    }

  if (token != NULL)
    sb_store_worker_call (self->worker, get_session_run, sb_session_token_hash (token), g_free,
                          on_token_session, attempt);
  else if (attempt->username == NULL)
    fail (attempt);
  else
    submit_by_password (attempt);
}

/* Sign-out */

static gpointer
revoke_run (SbStore *store, gpointer job_data, GError **error)
{
  return sb_store_session_revoke (store, job_data, error) ? GINT_TO_POINTER (1) : NULL;
}

typedef struct
{
  SbAuthenticator *self; /* ref */
  guint64 serial;
  char *request_id;
} SignOut;

static void
on_revoked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SignOut *sign_out = user_data;
  SbAuthenticator *self = sign_out->self;
  g_autoptr (GError) error = NULL;
  gboolean revoked = sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &error) != NULL;

  if (!revoked)
    g_warning ("Cannot revoke a session: %s", error->message);
  if (!self->stopped)
    self->hooks.signed_out (sign_out->serial, sign_out->request_id, revoked, self->hooks.user_data);
  g_object_unref (sign_out->self);
  g_free (sign_out->request_id);
  g_free (sign_out);
}

void
sb_authenticator_sign_out (SbAuthenticator *self,
                           guint64 serial,
                           const char *request_id,
                           const char *token_hash)
{
  g_return_if_fail (SB_IS_AUTHENTICATOR (self));
  g_return_if_fail (token_hash != NULL);

  SignOut *sign_out = g_new0 (SignOut, 1);

  sign_out->self = g_object_ref (self);
  sign_out->serial = serial;
  sign_out->request_id = g_strdup (request_id);
  /* Answered only once the revocation is stored: a `signed_out` whose token still works would
   * be a lie (review finding 5). */
  sb_store_worker_call (self->worker, revoke_run, g_strdup (token_hash), g_free, on_revoked,
                        sign_out);
}

/* Sessions ended by another process */

static gpointer
revision_run (SbStore *store, gpointer job_data, GError **error)
{
  gint64 *revision = g_new (gint64, 1);

  if (!sb_store_accounts_revision (store, revision, error))
    {
      g_free (revision);
      return NULL;
    }
  return revision;
}

/* job_data: a GPtrArray of token hashes; returns hash → reason for those that ended. */
static gpointer
check_sessions_run (SbStore *store, gpointer job_data, GError **error)
{
  GPtrArray *hashes = job_data;
  g_autoptr (GHashTable) ended = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 now_ms = sb_now_ms ();

  for (guint i = 0; i < hashes->len; i++)
    {
      const char *hash = g_ptr_array_index (hashes, i);
      g_autoptr (GError) local_error = NULL;
      g_autoptr (SbSessionRecord) session = sb_store_session_get (store, hash, &local_error);
      SbAuthReason reason;

      if (session == NULL)
        {
          if (!g_error_matches (local_error, SB_STORE_ERROR, SB_STORE_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          reason = SB_AUTH_REVOKED;
        }
      else if (session->disabled)
        reason = SB_AUTH_DISABLED;
      else if (session->revoked)
        reason = SB_AUTH_REVOKED;
      else if (session->expires_at_ms <= now_ms)
        reason = SB_AUTH_EXPIRED;
      else
        continue;
      g_hash_table_insert (ended, g_strdup (hash), GINT_TO_POINTER (reason));
    }
  return g_steal_pointer (&ended);
}

typedef struct
{
  SbAuthenticator *self; /* ref */
  gint64 revision;
} Check;

static void
on_sessions_checked (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Check *check = user_data;
  SbAuthenticator *self = check->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) ended
      = sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &error);

  self->polling = FALSE;
  if (ended == NULL)
    g_warning ("Cannot check the sessions: %s", error->message);
  else if (!self->stopped)
    {
      /* Only now: a failed check is tried again at the next poll. */
      self->revision = check->revision;
      if (g_hash_table_size (ended) > 0)
        self->hooks.sessions_ended (ended, self->hooks.user_data);
    }
  g_object_unref (check->self);
  g_free (check);
}

static void
on_revision (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SbAuthenticator) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree gint64 *revision
      = sb_store_worker_call_finish (SB_STORE_WORKER (source), result, &error);

  if (revision == NULL)
    {
      self->polling = FALSE;
      g_warning ("Cannot read the accounts revision: %s", error->message);
      return;
    }
  if (!self->have_revision || *revision == self->revision)
    {
      self->have_revision = TRUE;
      self->revision = *revision;
      self->polling = FALSE;
      return;
    }

  g_autoptr (GHashTable) tokens = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *hashes = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;
  Check *check = g_new0 (Check, 1);

  self->hooks.collect_tokens (tokens, self->hooks.user_data);
  g_hash_table_iter_init (&iter, tokens);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (hashes, g_strdup (key));
  check->self = g_object_ref (self);
  check->revision = *revision;
  sb_store_worker_call (self->worker, check_sessions_run, hashes,
                        (GDestroyNotify) g_ptr_array_unref, on_sessions_checked, check);
}

static gboolean
on_poll (gpointer user_data)
{
  SbAuthenticator *self = user_data;

  self->hooks.expire_sessions (sb_now_ms (), self->hooks.user_data);
  if (!self->polling)
    {
      self->polling = TRUE;
      sb_store_worker_call (self->worker, revision_run, NULL, NULL, on_revision,
                            g_object_ref (self));
    }
  return G_SOURCE_CONTINUE;
}

/* Life cycle */

void
sb_authenticator_stop (SbAuthenticator *self)
{
  g_return_if_fail (SB_IS_AUTHENTICATOR (self));

  self->stopped = TRUE;
  /* Waiting sign-ins end undelivered, and release their reference on us. */
  while (!g_queue_is_empty (&self->waiting))
    finish_with (g_queue_pop_head (&self->waiting), SB_SIGN_IN_BUSY);
  if (self->poll_source != 0)
    {
      GSource *poll = g_main_context_find_source_by_id (self->context, self->poll_source);

      if (poll != NULL)
        g_source_destroy (poll);
      self->poll_source = 0;
    }
}

static guint
count_locked_accounts (gpointer user_data)
{
  SbAuthenticator *self = user_data;

  return sb_sign_in_throttle_count_locked_accounts (self->throttle, sb_now_ms ());
}

static void
sb_authenticator_finalize (GObject *object)
{
  SbAuthenticator *self = SB_AUTHENTICATOR (object);

  sb_metrics_set_accounts_locked_func (self->metrics, NULL, NULL);
  sb_authenticator_stop (self);
  /* Attempts hold a reference: none is left in the pool once we get here. */
  if (self->verify_pool != NULL)
    g_thread_pool_free (self->verify_pool, FALSE, TRUE);
  g_clear_object (&self->throttle);
  g_clear_pointer (&self->checking_accounts, g_hash_table_unref);
  g_clear_pointer (&self->checking_addresses, g_hash_table_unref);
  g_clear_object (&self->worker);
  g_clear_object (&self->metrics);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (sb_authenticator_parent_class)->finalize (object);
}

static void
sb_authenticator_class_init (SbAuthenticatorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sb_authenticator_finalize;
}

static void
sb_authenticator_init (SbAuthenticator *self)
{
  self->checking_accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->checking_addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->waiting);
}

SbAuthenticator *
sb_authenticator_new (SbStoreWorker *worker,
                      SbMetrics *metrics,
                      double session_hours,
                      const SbAuthenticatorHooks *hooks)
{
  g_return_val_if_fail (SB_IS_STORE_WORKER (worker), NULL);
  g_return_val_if_fail (hooks != NULL, NULL);

  SbAuthenticator *self = g_object_new (SB_TYPE_AUTHENTICATOR, NULL);
  SbSignInLimits limits;
  g_autoptr (GError) error = NULL;

  sb_sign_in_limits_init_default (&limits);
  self->worker = g_object_ref (worker);
  self->metrics = g_object_ref (metrics);
  self->hooks = *hooks;
  self->session_ms = (gint64) (session_hours * 3600.0 * 1000.0);
  self->throttle = sb_sign_in_throttle_new (&limits);
  sb_metrics_set_accounts_locked_func (self->metrics, count_locked_accounts, self);
  self->context = g_main_context_ref_thread_default ();
  self->verify_pool = g_thread_pool_new (verify_run, NULL, VERIFY_THREADS, FALSE, &error);
  g_assert_no_error (error);
  /* Seconds-precise is enough for a revocation: one wake-up a second for the whole server. */
  g_autoptr (GSource) poll = g_timeout_source_new_seconds (REVISION_POLL_SECONDS);
  g_source_set_callback (poll, on_poll, self, NULL);
  self->poll_source = g_source_attach (poll, self->context);
  return self;
}
