/* fleetckpt_cloexec: an LD_PRELOAD library that finishes a restore's close-on-exec inside COMMAND.
 *
 * An fd that has FD_CLOEXEC when COMMAND is exec'd does not exist in COMMAND, so `fleetckpt
 * restore` places those fds without it and lists them in FLEETCKPT_CLOEXEC_FDS ("4,7"). Loaded
 * with --cloexec-preload, this constructor runs in COMMAND after the exec and before main(): it
 * sets FD_CLOEXEC on each listed fd, then removes the variable and itself from LD_PRELOAD, so
 * COMMAND's own children neither inherit the list nor re-run it against unrelated fds.
 * Static and set-uid programs ignore LD_PRELOAD; for them COMMAND must read the variable itself.
 *
 * Build: gcc -shared -fPIC -O2 -o libfleetckpt_cloexec.so restore/src/main/c/fleetckpt_cloexec.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

static void drop_self_from_preload(void) {
    const char *p = getenv("LD_PRELOAD");
    if (!p) return;
    size_t n = strlen(p);
    char *kept = malloc(n + 1);
    if (!kept) return;
    size_t k = 0;
    const char *s = p;
    while (*s) {
        const char *e = s + strcspn(s, ": ");
        size_t len = (size_t) (e - s);
        /* our own entry is the one whose file name contains fleetckpt_cloexec */
        int self = 0;
        for (size_t i = 0; i + 17 <= len; i++) {
            if (memcmp(s + i, "fleetckpt_cloexec", 17) == 0) self = 1;
        }
        if (len && !self) {
            if (k) kept[k++] = ':';
            memcpy(kept + k, s, len);
            k += len;
        }
        s = *e ? e + 1 : e;
    }
    kept[k] = 0;
    if (k) setenv("LD_PRELOAD", kept, 1);
    else unsetenv("LD_PRELOAD");
    free(kept);
}

__attribute__((constructor)) static void fleetckpt_apply_cloexec(void) {
    const char *list = getenv("FLEETCKPT_CLOEXEC_FDS");
    if (list) {
        const char *s = list;
        while (*s) {
            char *end;
            long fd = strtol(s, &end, 10);
            if (end == s) break;
            if (fd >= 0 && fd <= 0x7fffffffL) {
                int f = fcntl((int) fd, F_GETFD);
                if (f >= 0) fcntl((int) fd, F_SETFD, f | FD_CLOEXEC);
            }
            s = *end == ',' ? end + 1 : end;
            if (*end && *end != ',') break;
        }
        unsetenv("FLEETCKPT_CLOEXEC_FDS");
    }
    drop_self_from_preload();
}
