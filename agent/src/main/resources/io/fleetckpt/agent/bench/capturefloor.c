/*
 * The C side of `fleetckpt bench capture`.
 *
 *   capturefloor hold N DIR       holds a table of N fds (a mix like a busy server: regular files
 *                                 at several positions and modes, directories, /dev/null, pipes,
 *                                 socketpairs, dups; half close-on-exec), prints "READY pid",
 *                                 waits for EOF on stdin
 *   capturefloor floor REPS [--freeze CGROUP] PID...
 *                                 the floor: the same syscalls as the agent's capture, in C, -O2.
 *                                 Per fd: readlinkat, openat+read+close of fdinfo, statx with
 *                                 AT_STATX_DONT_SYNC (cached attributes, as the agent); list
 *                                 with getdents64; sharing by (mnt_id, ino, flags, pos) buckets
 *                                 sorted with kcmp(KCMP_FILE), sockets from the key; KCMP_FILES
 *                                 between processes. With --freeze, the tasks (already moved into
 *                                 CGROUP, a cgroup v2 directory) are frozen around that work and
 *                                 the window is measured from the freeze write to the thaw write.
 *                                 Prints "ns WORK WINDOW FDS OFDS KCMPS" per repetition.
 *   capturefloor serve PID...     the same floor, kept running like an agent: one repetition per
 *                                 line on stdin (a cgroup to freeze as above, or "-"), its line
 *                                 printed at once; ends at EOF. Later repetitions find the
 *                                 process warm (its memory touched, its symbols bound).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define KCMP_FILE 0
#define KCMP_FILES 2

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "capturefloor: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* ---------------------------------------------------------------- hold */

static int hold(int n, const char *dir) {
    /* killed with the benchmark even while frozen (EOF on stdin needs a thawed reader) */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() == 1) return 2;
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    char path[4096];
    int nfiles = n >= 256 ? 64 : (n > 8 ? n / 4 : 1);
    int files[64];
    for (int f = 0; f < nfiles; f++) {
        snprintf(path, sizeof path, "%s/f%02d", dir, f);
        files[f] = open(path, O_RDWR | O_CREAT, 0644);
        if (files[f] < 0) die("create");
        char buf[8192];
        memset(buf, 'x', sizeof buf);
        if (write(files[f], buf, sizeof buf) < 0) die("write");
    }
    int count = 3 + nfiles;
    int *fds = malloc(sizeof(int) * (n + 128));
    int nf = 0;
    for (int f = 0; f < nfiles; f++) fds[nf++] = files[f];
    for (int i = 0; count < n; i++) {
        int k = i % 100, a = -1, b = -1;
        if (k < 30) {
            snprintf(path, sizeof path, "%s/f%02d", dir, i % nfiles);
            static const int modes[4] = {O_RDONLY, O_RDWR, O_WRONLY | O_APPEND, O_RDONLY | O_NONBLOCK};
            int mode = modes[(i / 64) % 4];
            a = open(path, mode);
            if (a >= 0 && !(mode & O_APPEND)) lseek(a, (i % 3) == 0 ? 0 : (i % 3) == 1 ? 1 : 4096, SEEK_SET);
        } else if (k < 33) {
            a = open(dir, O_RDONLY | O_DIRECTORY);
        } else if (k < 43) {
            a = open("/dev/null", O_RDWR);
        } else if (k < 53 && count + 2 <= n) {
            int p[2];
            if (pipe(p) == 0) { a = p[0]; b = p[1]; }
        } else if (k < 63 && count + 2 <= n) {
            int p[2];
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) == 0) { a = p[0]; b = p[1]; }
        } else {
            a = dup(fds[(unsigned) (i * 7919) % nf]);
        }
        if (a < 0 && b < 0) {
            if (k >= 43 && k < 63) continue; /* no room for a pair at the very end */
            die("making fds");
        }
        int got[2] = {a, b};
        for (int j = 0; j < 2; j++) {
            if (got[j] < 0) continue;
            fcntl(got[j], F_SETFD, (count % 2) ? FD_CLOEXEC : 0);
            fds[nf++] = got[j];
            count++;
        }
    }
    printf("READY %d\n", getpid());
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    return 0;
}

/* ---------------------------------------------------------------- floor */

struct fdrec {
    int pid, fd, flags, mnt_id, rep;
    long long pos, ino;
    unsigned long long dev, nlink, size;
    unsigned mode;
    int linklen;
    char *link;
    int sock;
};

static struct fdrec *recs;
static int nrecs, caprecs;
static long kcmps;
static int kcmp_failed;

static struct fdrec *add(void) {
    if (nrecs == caprecs) {
        caprecs = caprecs ? caprecs * 2 : 4096;
        recs = realloc(recs, sizeof *recs * caprecs);
    }
    return &recs[nrecs++];
}

static long long field(const char *buf, int len, const char *key, int base) {
    int kl = strlen(key);
    for (int i = 0; i + kl < len; i++) {
        if ((i == 0 || buf[i - 1] == '\n') && !memcmp(buf + i, key, kl)) {
            return strtoll(buf + i + kl, NULL, base);
        }
    }
    return -1;
}

static void scan(int pid) {
    char path[64], name[16], link[4097], info[4096];
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    snprintf(path, sizeof path, "/proc/%d/fdinfo", pid);
    int ifd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || ifd < 0) die("open /proc dirs");
    static char dents[65536];
    int *list = NULL, nl = 0, cl = 0;
    for (;;) {
        long r = syscall(SYS_getdents64, dfd, dents, sizeof dents);
        if (r < 0) die("getdents64");
        if (r == 0) break;
        for (long off = 0; off < r;) {
            unsigned short reclen = *(unsigned short *) (dents + off + 16);
            const char *nm = dents + off + 19;
            if (nm[0] != '.') {
                if (nl == cl) { cl = cl ? cl * 2 : 1024; list = realloc(list, sizeof(int) * cl); }
                list[nl++] = atoi(nm);
            }
            off += reclen;
        }
    }
    for (int i = 0; i < nl; i++) {
        snprintf(name, sizeof name, "%d", list[i]);
        struct fdrec *f = add();
        memset(f, 0, sizeof *f);
        f->pid = pid;
        f->fd = list[i];
        long n = readlinkat(dfd, name, link, sizeof link);
        if (n < 0) die("readlinkat");
        f->link = malloc(n);
        memcpy(f->link, link, n);
        f->linklen = n;
        int fi = openat(ifd, name, O_RDONLY | O_CLOEXEC);
        if (fi < 0) die("openat fdinfo");
        int k = read(fi, info, sizeof info);
        close(fi);
        if (k <= 0) die("read fdinfo");
        f->pos = field(info, k, "pos:", 10);
        f->flags = (int) field(info, k, "flags:", 8) & ~O_CLOEXEC;
        f->mnt_id = (int) field(info, k, "mnt_id:", 10);
        f->ino = field(info, k, "ino:", 10);
        struct statx st;
        memset(&st, 0, sizeof st);
        if (statx(dfd, name, AT_STATX_DONT_SYNC, STATX_TYPE | STATX_MODE | STATX_NLINK | STATX_INO | STATX_SIZE, &st) == 0) {
            f->dev = makedev(st.stx_dev_major, st.stx_dev_minor);
            f->nlink = st.stx_nlink;
            f->size = st.stx_size;
            f->mode = st.stx_mode;
            if (f->ino < 0) f->ino = st.stx_ino;
        }
        f->sock = S_ISSOCK(st.stx_mode);
    }
    free(list);
    close(dfd);
    close(ifd);
}

static int by_key(const void *a, const void *b) {
    const struct fdrec *x = &recs[*(const int *) a], *y = &recs[*(const int *) b];
    if (x->mnt_id != y->mnt_id) return x->mnt_id < y->mnt_id ? -1 : 1;
    if (x->ino != y->ino) return x->ino < y->ino ? -1 : 1;
    if (x->flags != y->flags) return x->flags < y->flags ? -1 : 1;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    if (x->sock != y->sock) return x->sock < y->sock ? -1 : 1;
    return 0;
}

static int kcmp_file(int a, int b) {
    kcmps++;
    long r = syscall(SYS_kcmp, recs[a].pid, recs[b].pid, KCMP_FILE, recs[a].fd, recs[b].fd);
    if (r < 0 || r > 2) { kcmp_failed = 1; return 0; }
    return r == 0 ? 0 : r == 1 ? -1 : 1;
}

static int by_file(const void *a, const void *b) {
    return kcmp_file(*(const int *) a, *(const int *) b);
}

/* Returns the number of distinct open file descriptions. */
static int share(void) {
    int *idx = malloc(sizeof(int) * nrecs);
    for (int i = 0; i < nrecs; i++) idx[i] = i;
    qsort(idx, nrecs, sizeof(int), by_key);
    int ofds = 0;
    for (int s = 0; s < nrecs;) {
        int e = s + 1;
        while (e < nrecs && by_key(&idx[s], &idx[e]) == 0) e++;
        if (e - s == 1 || recs[idx[s]].sock) {
            for (int j = s; j < e; j++) recs[idx[j]].rep = idx[s];
            ofds++;
        } else {
            qsort(idx + s, e - s, sizeof(int), by_file);
            int rep = idx[s];
            ofds++;
            for (int j = s; j < e; j++) {
                if (j > s && kcmp_file(idx[j - 1], idx[j]) != 0) { rep = idx[j]; ofds++; }
                recs[idx[j]].rep = rep;
            }
        }
        s = e;
    }
    free(idx);
    return ofds;
}

static void write_file(const char *dir, const char *name, const char *value) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int f = open(path, O_WRONLY);
    if (f < 0 || write(f, value, strlen(value)) < 0) die(path);
    close(f);
}

/* Polls as the agent does: yielding now and then, since a task has to run to freeze itself. */
static void await_frozen(const char *dir) {
    char path[4096], buf[256];
    snprintf(path, sizeof path, "%s/cgroup.events", dir);
    for (int polls = 1;; polls++) {
        if (polls % 16 == 0) sched_yield();
        int f = open(path, O_RDONLY);
        int n = read(f, buf, sizeof buf - 1);
        close(f);
        if (n > 0) {
            buf[n] = 0;
            if (strstr(buf, "frozen 1")) return;
        }
    }
}

/* One repetition; prints "ns WORK WINDOW FDS OFDS KCMPS". */
static int floor_once(const char *cgroup, int npids, int *pids) {
    for (int i = 0; i < nrecs; i++) free(recs[i].link);
    nrecs = 0;
    kcmps = 0;
    long w0 = now_ns();
    if (cgroup) {
        write_file(cgroup, "cgroup.freeze", "1");
        await_frozen(cgroup);
    }
    long t0 = now_ns();
    for (int i = 1; i < npids; i++) { /* shared fd tables: compare with the first */
        kcmps++;
        syscall(SYS_kcmp, pids[0], pids[i], KCMP_FILES, 0, 0);
    }
    for (int i = 0; i < npids; i++) scan(pids[i]);
    int ofds = share();
    long t1 = now_ns();
    if (cgroup) write_file(cgroup, "cgroup.freeze", "0");
    long w1 = now_ns();
    if (kcmp_failed) { fprintf(stderr, "capturefloor: kcmp failed\n"); return 2; }
    printf("ns %ld %ld %d %d %ld\n", t1 - t0, w1 - w0, nrecs, ofds, kcmps);
    fflush(stdout);
    return 0;
}

static int floor_run(int reps, const char *cgroup, int npids, int *pids) {
    for (int r = 0; r < reps; r++) {
        if (floor_once(cgroup, npids, pids)) return 2;
    }
    return 0;
}

/* One repetition per line read: the line is the cgroup to freeze, or "-" for none. */
static int floor_serve(int npids, int *pids) {
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = 0;
        if (floor_once(strcmp(line, "-") ? line : NULL, npids, pids)) return 2;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && !strcmp(argv[1], "hold")) return hold(atoi(argv[2]), argv[3]);
    if (argc >= 4 && !strcmp(argv[1], "floor")) {
        int reps = atoi(argv[2]), a = 3;
        const char *cg = NULL;
        if (!strcmp(argv[a], "--freeze") && a + 1 < argc) { cg = argv[a + 1]; a += 2; }
        int n = argc - a;
        int *pids = malloc(sizeof(int) * (n > 0 ? n : 1));
        for (int i = 0; i < n; i++) pids[i] = atoi(argv[a + i]);
        return floor_run(reps, cg, n, pids);
    }
    if (argc >= 3 && !strcmp(argv[1], "serve")) {
        int n = argc - 2;
        int *pids = malloc(sizeof(int) * n);
        for (int i = 0; i < n; i++) pids[i] = atoi(argv[2 + i]);
        return floor_serve(n, pids);
    }
    fprintf(stderr, "usage: capturefloor hold N DIR | floor REPS [--freeze CGROUP] PID... | serve PID...\n");
    return 2;
}
