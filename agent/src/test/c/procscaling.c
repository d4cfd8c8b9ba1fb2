/*
 * Does per-fd /proc work scale over threads on this kernel? The experiment behind the README's
 * "Benchmark" notes on `--threads`. Not part of the build or the tests; run it by hand:
 *
 *   gcc -O2 -pthread -o procscaling agent/src/test/c/procscaling.c
 *   chrt -f 50 ./procscaling OPS MODE PID [PID2]
 *
 * OPS: letters, done per fd in this order: r readlinkat /proc/PID/fd/N, i openat+read+close of
 * /proc/PID/fdinfo/N, s fstatat through the magic link, k kcmp(KCMP_FILE) of N against another fd
 * of PID, n open+close of /dev/null (no /proc), p kill(self, 0) (a plain syscall).
 * MODE: one   - one thread does OPS on every fd of PID
 *       split - two threads do OPS on half of PID's fds each
 *       seq2  - one thread does OPS on every fd of PID, then of PID2
 *       pair  - two threads at once, one on PID and one on PID2 (PID2 = PID: the same fds twice)
 * Prints the median and minimum of 41 runs: wall time and CPU time summed over the threads.
 * chrt keeps other jobs of a shared machine from deciding the result.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define RUNS 41

struct target {
    int pid, dfd, ifd, n;
    int *fds;
};

struct job {
    const struct target *t;
    int from, to;
    const char *ops;
    pthread_barrier_t *go;
    long cpu;
};

static long clock_ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *work(void *arg) {
    struct job *j = arg;
    char name[16], link[4097], info[4096];
    struct stat st;
    if (j->go) pthread_barrier_wait(j->go);
    long c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    for (int i = j->from; i < j->to; i++) {
        int fd = j->t->fds[i];
        snprintf(name, sizeof name, "%d", fd);
        for (const char *op = j->ops; *op; op++) {
            int f;
            switch (*op) {
            case 'r': readlinkat(j->t->dfd, name, link, sizeof link); break;
            case 'i':
                f = openat(j->t->ifd, name, O_RDONLY | O_CLOEXEC);
                if (f >= 0) { if (read(f, info, sizeof info) < 0) perror("read"); close(f); }
                break;
            case 's': fstatat(j->t->dfd, name, &st, 0); break;
            case 'k': syscall(SYS_kcmp, j->t->pid, j->t->pid, 0, fd, j->t->fds[(i * 7919L) % j->t->n]); break;
            case 'n': f = open("/dev/null", O_RDONLY | O_CLOEXEC); if (f >= 0) close(f); break;
            case 'p': kill(getpid(), 0); break;
            }
        }
    }
    j->cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
    return NULL;
}

static void load(struct target *t, int pid) {
    char path[64];
    t->pid = pid;
    snprintf(path, sizeof path, "/proc/%d/fd", pid);
    t->dfd = open(path, O_RDONLY | O_DIRECTORY);
    DIR *d = opendir(path);
    snprintf(path, sizeof path, "/proc/%d/fdinfo", pid);
    t->ifd = open(path, O_RDONLY | O_DIRECTORY);
    if (t->dfd < 0 || t->ifd < 0 || !d) { perror(path); exit(2); }
    int cap = 1024;
    t->fds = malloc(sizeof(int) * cap);
    t->n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        if (t->n == cap) t->fds = realloc(t->fds, sizeof(int) * (cap *= 2));
        t->fds[t->n++] = atoi(e->d_name);
    }
    closedir(d);
}

static int by_value(const void *a, const void *b) {
    long x = *(const long *) a, y = *(const long *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: procscaling OPS one|split|seq2|pair PID [PID2]\n");
        return 2;
    }
    const char *ops = argv[1], *mode = argv[2];
    struct target a, b;
    load(&a, atoi(argv[3]));
    load(&b, argc > 4 ? atoi(argv[4]) : a.pid);
    long wall[RUNS], cpu[RUNS];
    for (int r = 0; r < RUNS; r++) {
        struct job j0 = {&a, 0, a.n, ops, NULL, 0}, j1 = {&b, 0, b.n, ops, NULL, 0};
        long t0 = clock_ns(CLOCK_MONOTONIC);
        if (!strcmp(mode, "one")) {
            work(&j0);
        } else if (!strcmp(mode, "seq2")) {
            work(&j0);
            work(&j1);
        } else {
            pthread_barrier_t go;
            pthread_barrier_init(&go, NULL, 2);
            if (!strcmp(mode, "split")) {
                j1.t = &a;
                j0.to = j1.from = a.n / 2;
            }
            j0.go = j1.go = &go;
            pthread_t t;
            pthread_create(&t, NULL, work, &j1);
            t0 = clock_ns(CLOCK_MONOTONIC);
            work(&j0);
            pthread_join(t, NULL);
            pthread_barrier_destroy(&go);
        }
        wall[r] = clock_ns(CLOCK_MONOTONIC) - t0;
        cpu[r] = j0.cpu + j1.cpu;
    }
    qsort(wall, RUNS, sizeof(long), by_value);
    qsort(cpu, RUNS, sizeof(long), by_value);
    printf("%-5s %-5s fds %d/%d: wall median %.1f ms (min %.1f), cpu median %.1f ms\n", ops, mode, a.n, b.n,
           wall[RUNS / 2] / 1e6, wall[0] / 1e6, cpu[RUNS / 2] / 1e6);
    return 0;
}
