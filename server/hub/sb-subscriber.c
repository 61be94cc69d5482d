/* sb-subscriber.c: the interface a live event sends its broadcasts through. */
#include "sb-subscriber.h"

G_DEFINE_INTERFACE (SbSubscriber, sb_subscriber, G_TYPE_OBJECT)

static void
sb_subscriber_default_init (SbSubscriberInterface *iface)
{
}

gboolean
sb_subscriber_send_frame (SbSubscriber *self, GBytes *frame)
{
  g_return_val_if_fail (SB_IS_SUBSCRIBER (self), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  return SB_SUBSCRIBER_GET_IFACE (self)->send_frame (self, frame);
}
