/* sb-sanitizer-options.c: built into seatbook-server only with -Db_sanitize=address…
 *
 * Why: LeakSanitizer's tracer crashed at exit ("Tracer caught signal 11", "LeakSanitizer has
 * encountered a fatal error") once a thread had run a TLS handshake. The cause is the sanitizer
 * runtime of bookworm's gcc 12 and clang 14, not a leak: its __tls_get_addr interceptor records
 * each dynamic TLS block (the __thread variables of a library loaded with dlopen (), here
 * libgnutls through glib-networking's GIO module) and, when the block starts 16 bytes into a
 * page, takes it for glibc 2.19's layout and reads the two words before it as the block's start
 * and size. Since glibc 2.25 there is no such header: glibc mallocs the block, so under ASan
 * those words are ASan's own chunk header, and the recorded range (0x3000001d0, 64 GiB long
 * here) is garbage the tracer then faults on while scanning for roots. libgnutls's block is
 * 16 bytes, which ASan serves from a class whose first chunk in every page starts at offset 16,
 * and the integration test hit it on every run (google/sanitizers#1322; newer runtimes ask the
 * allocator for the block's bounds instead).
 *
 * intercept_tls_get_addr=0 stops the recording: leak detection stays on, only dynamic TLS blocks
 * are no longer scanned as roots. The process's dynamic TLS blocks are libgnutls's random
 * generator state (the context is also on a global list of libgnutls, so it cannot look leaked)
 * and p11-kit's 513-byte message buffer; the TLS integration test runs clean without them. An
 * option the environment sets (ASAN_OPTIONS) still wins over this default.
 */

const char *__asan_default_options (void);

__attribute__ ((used, visibility ("default"))) const char *
__asan_default_options (void)
{
  return "intercept_tls_get_addr=0";
}
