/* sb-application.h: the Seatbook desktop app. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SB_APPLICATION_ID "org.seatbook.Seatbook"

#define SB_TYPE_APPLICATION (sb_application_get_type ())
G_DECLARE_FINAL_TYPE (SbApplication, sb_application, SB, APPLICATION, AdwApplication)

SbApplication *sb_application_new (void);

/* The app's settings (org.seatbook.Seatbook). */
GSettings *sb_application_get_settings (SbApplication *self);

/* This desk's client identity, created once and kept in GSettings. */
const char *sb_application_get_client_id (SbApplication *self);

G_END_DECLS
