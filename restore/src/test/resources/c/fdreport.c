/* Reports its own fd table, as COMMAND of a restore sees it, then optionally waits to be killed.
 * usage: fdreport OUT [wait [perpid]]   (perpid: write OUT.PID, for several COMMANDs at once)
 * One line per fd: fd=N cloexec=0|1 pos=P flags=OCTAL mode=OCTAL path=LINK (mode: fstat's file type bits,
 * which O_PATH fds have too); then env=FLEETCKPT_CLOEXEC_FDS
 * and nofile=SOFT (its RLIMIT_NOFILE soft limit; -1 for unlimited).
 * The table is listed before anything else is opened, so the report shows exactly what exec gave. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    static int fds[70000];
    int nf = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d) return 3;
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) && nf < 70000) {
        if (e->d_name[0] == '.') continue;
        int fd = atoi(e->d_name);
        if (fd != dfd) fds[nf++] = fd;
    }
    closedir(d);
    qsort(fds, nf, sizeof(int), cmp);
    size_t cap = 16u << 20, n = 0;
    char *out = malloc(cap);
    for (int i = 0; i < nf; i++) {
        char p[64], link[4200], info[4096];
        snprintf(p, sizeof p, "/proc/self/fd/%d", fds[i]);
        ssize_t l = readlink(p, link, sizeof link - 1);
        link[l < 0 ? 0 : l] = 0;
        int fdflags = fcntl(fds[i], F_GETFD);
        snprintf(p, sizeof p, "/proc/self/fdinfo/%d", fds[i]);
        int f = open(p, O_RDONLY | O_CLOEXEC);
        ssize_t k = f < 0 ? -1 : read(f, info, sizeof info - 1);
        if (f >= 0) close(f);
        info[k < 0 ? 0 : k] = 0;
        long long pos = -1;
        unsigned flags = 0;
        char *q = strstr(info, "pos:");
        if (q) pos = strtoll(q + 4, NULL, 10);
        q = strstr(info, "flags:");
        if (q) flags = (unsigned) strtoul(q + 6, NULL, 8);
        struct stat st;
        unsigned mode = fstat(fds[i], &st) == 0 ? (unsigned) (st.st_mode & S_IFMT) : 0;
        n += snprintf(out + n, cap - n, "fd=%d cloexec=%d pos=%lld flags=%o mode=%o path=%s\n", fds[i],
                      fdflags >= 0 && (fdflags & FD_CLOEXEC) ? 1 : 0, pos, flags, mode, link);
    }
    const char *env = getenv("FLEETCKPT_CLOEXEC_FDS");
    n += snprintf(out + n, cap - n, "env=%s\n", env ? env : "");
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    n += snprintf(out + n, cap - n, "nofile=%lld\n", rl.rlim_cur == RLIM_INFINITY ? -1LL : (long long) rl.rlim_cur);
    char dst[4200], tmp[4300];
    if (argc > 3) snprintf(dst, sizeof dst, "%s.%d", argv[1], (int) getpid());
    else snprintf(dst, sizeof dst, "%s", argv[1]);
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    int o = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (o < 0 || write(o, out, n) != (ssize_t) n) return 4;
    close(o);
    rename(tmp, dst);
    if (argc > 2) pause();
    return 0;
}
