/* sb-sign-in-throttle.h: failed sign-ins counted per account and per remote address (issue 10,
 * docs/protocol.md "sign_in"). Each failure delays its reply a little more (the caller waits with
 * a timer, never blocking the loop); after too many failures in the window the account or the
 * address is locked for a while, and sign-ins from it are refused without checking the password.
 *
 * In memory, main thread only, with the clock passed in (so tests need not sleep). Entries whose
 * window has passed and which are not locked are dropped as the table grows, so an attacker
 * cycling addresses costs a bounded amount of memory. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  guint account_failures; /* failures within the window that lock an account (5) */
  guint address_failures; /* … that lock an address (20) */
  gint64 window_ms;       /* failures older than this are forgotten (15 min) */
  gint64 lockout_ms;      /* how long a lock lasts (15 min) */
  gint64 first_delay_ms;  /* the delay of the first failure's reply, doubled after each (250) */
  gint64 max_delay_ms;    /* the delay never exceeds this (2000) */
} SbSignInLimits;

/* The defaults above. */
void sb_sign_in_limits_init_default (SbSignInLimits *limits);

#define SB_TYPE_SIGN_IN_THROTTLE (sb_sign_in_throttle_get_type ())
G_DECLARE_FINAL_TYPE (SbSignInThrottle, sb_sign_in_throttle, SB, SIGN_IN_THROTTLE, GObject)

SbSignInThrottle *sb_sign_in_throttle_new (const SbSignInLimits *limits);

/* 0 when a sign-in for @username from @address may be tried now; otherwise the ms until the lock
 * on the account or the address (whichever ends later) ends. @username may be NULL (token
 * sign-in: only the address counts). */
gint64 sb_sign_in_throttle_check (SbSignInThrottle *self,
                                  const char *username,
                                  const char *address,
                                  gint64 now_ms);

/* How many more failures the account (*out_account_left; G_MAXUINT when @username is NULL) and
 * the address (*out_address_left) may have before they lock: 0 when locked. The caller lets no
 * more password checks run at once than that, so that sign-ins sent in parallel cannot get more
 * guesses than sign-ins sent one after the other (review finding 2). */
void sb_sign_in_throttle_failures_left (SbSignInThrottle *self,
                                        const char *username,
                                        const char *address,
                                        gint64 now_ms,
                                        guint *out_account_left,
                                        guint *out_address_left);

/* Counts a failure against both; returns how long to delay its reply (ms). *out_locked_ms (may be
 * NULL) is set to the lock's remaining time when this failure locked one of them, else 0. */
gint64 sb_sign_in_throttle_failure (SbSignInThrottle *self,
                                    const char *username,
                                    const char *address,
                                    gint64 now_ms,
                                    gint64 *out_locked_ms);

/* A successful sign-in clears the account's failures (not the address's: one right password must
 * not wipe out the record of a guessing run from the same place). */
void sb_sign_in_throttle_success (SbSignInThrottle *self, const char *username);

/* Accounts locked at @now_ms (/metrics: seatbook_accounts_locked). */
guint sb_sign_in_throttle_count_locked_accounts (SbSignInThrottle *self, gint64 now_ms);

G_END_DECLS
