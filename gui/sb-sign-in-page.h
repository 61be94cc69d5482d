/* sb-sign-in-page.h: the page that asks for the server, a username and a password.
 *
 * It only collects and explains: `submit` hands the values to whoever signs in (SbWindow through
 * SbConnection), and show_refusal () puts the server's refusal into words. The password lives in
 * the entry until submit, then the entry is cleared; it is never stored. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_TYPE_SIGN_IN_PAGE (sb_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (SbSignInPage, sb_sign_in_page, SB, SIGN_IN_PAGE, AdwBin)

GtkWidget *sb_sign_in_page_new (void);

void sb_sign_in_page_set_server (SbSignInPage *self, const char *server);
const char *sb_sign_in_page_get_server (SbSignInPage *self);
void sb_sign_in_page_set_username (SbSignInPage *self, const char *username);
const char *sb_sign_in_page_get_username (SbSignInPage *self);
gboolean sb_sign_in_page_get_remember (SbSignInPage *self);

/* Puts the cursor where typing starts: the username, or the password when the username is
 * filled in. */
void sb_sign_in_page_focus (SbSignInPage *self);
/* While a sign-in is in flight the fields and the button are insensitive and a spinner turns. */
void sb_sign_in_page_set_busy (SbSignInPage *self, gboolean busy);
/* Shows why the last sign-in failed (an `unauthenticated` reason and its retry_after_ms); ends
 * busy. */
void sb_sign_in_page_show_refusal (SbSignInPage *self, const char *reason, gint64 retry_after_ms);
/* Shows another problem (the server cannot be reached); NULL hides it. */
void sb_sign_in_page_show_error (SbSignInPage *self, const char *message);

/* The refusal's sentence; also used by the tests. */
char *sb_sign_in_page_describe_refusal (const char *reason, gint64 retry_after_ms);

G_END_DECLS
