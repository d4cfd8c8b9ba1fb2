/*
 * Test fixture for the capture tests: sets up fd tables with known shapes, prints what it made,
 * then waits on stdin ("close N" closes fd N, "fork" forks a child that pauses; EOF ends it)
 * while a test captures it.
 *
 *   fdfixture zoo DIR      parent + forked child holding every kind of fd the tests name
 *   fdfixture many N       a table of N fds of a few kinds (dups, /dev/null, pipes, socketpairs, files)
 *   fdfixture clonefiles   parent + a clone(CLONE_FILES) child: one fd table, two processes
 *   fdfixture threads      a process with three extra threads (CHILD names one thread id)
 *   fdfixture threadtable  a thread that unshared its fd table (CHILD names it) and opened a file in it
 *   fdfixture kcmp         oracle: reads "pid fd" lines, prints "EQ i j" for every pair kcmp
 *                          calls the same open file description (all pairs, small inputs)
 *   fdfixture kcmpfiles P1 P2   oracle: prints 0 if P1 and P2 share one fd table
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define KCMP_FILE 0
#define KCMP_FILES 2

static void die(const char *what) {
    fprintf(stderr, "fdfixture: %s: %s\n", what, strerror(errno));
    exit(2);
}

static int must(int r, const char *what) {
    if (r < 0) die(what);
    return r;
}

static void say(const char *name, int fd) {
    printf("FD %s %d\n", name, fd);
}

static void raise_nofile(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static char *join(const char *dir, const char *name) {
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

static void fill(int fd, int n) {
    char buf[4096];
    memset(buf, 'x', sizeof buf);
    while (n > 0) {
        int k = n < (int) sizeof buf ? n : (int) sizeof buf;
        must(write(fd, buf, k), "write");
        n -= k;
    }
}

static pid_t forked[64];
static int nforked;

/* Serves "close N" and "fork" lines from stdin until EOF; then ends what it forked. */
static void serve(void) {
    char line[64];
    fflush(stdout);
    while (fgets(line, sizeof line, stdin)) {
        int n;
        if (sscanf(line, "close %d", &n) == 1) {
            close(n);
            printf("closed %d\n", n);
        } else if (!strncmp(line, "fork", 4) && nforked < 64) {
            pid_t c = fork();
            if (c == 0) {
                for (;;) pause();
            }
            forked[nforked++] = c;
            printf("forked %d\n", c);
        }
        fflush(stdout);
    }
    for (int i = 0; i < nforked; i++) {
        kill(forked[i], SIGKILL);
        waitpid(forked[i], NULL, 0);
    }
}

static int zoo(const char *dir) {
    char *regular = join(dir, "regular");
    int a = must(open(regular, O_RDWR | O_CREAT | O_TRUNC, 0644), "open regular");
    fill(a, 10000);
    lseek(a, 4096, SEEK_SET);
    say("rw_at_4096", a);
    int b = must(open(regular, O_RDONLY), "open ro");
    lseek(b, 1, SEEK_SET);
    say("ro_at_1", b);
    int c = must(open(join(dir, "appended"), O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644), "open append");
    fill(c, 5);
    say("wo_append", c);
    int d = must(open(regular, O_RDWR | O_NONBLOCK), "open rw nonblock");
    say("rw_nonblock_at_0", d);
    say("dup3_cloexec_of_rw", must(dup3(a, 20, O_CLOEXEC), "dup3"));
    say("dup_700", must(dup2(a, 700), "dup2 700"));
    say("dup_high", must(dup2(a, 19000), "dup2 19000"));
    int s = must(open(join(dir, "shared"), O_RDWR | O_CREAT | O_TRUNC, 0644), "open shared");
    fill(s, 100);
    lseek(s, 0, SEEK_SET);
    say("shared_seeked_by_child", s);
    say("dir", must(open(dir, O_RDONLY | O_DIRECTORY), "open dir"));
    say("devnull_wo", must(open("/dev/null", O_WRONLY), "open /dev/null"));
    int p[2];
    must(pipe2(p, O_NONBLOCK), "pipe");
    say("pipe_r", p[0]);
    say("pipe_w", p[1]);
    int sp[2];
    must(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), "socketpair");
    say("sock_a", sp[0]);
    say("sock_b", sp[1]);
    say("eventfd", must(eventfd(5, 0), "eventfd"));
    int target = must(eventfd(0, 0), "eventfd target");
    say("epoll_target", target);
    int ep = must(epoll_create1(0), "epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = target};
    must(epoll_ctl(ep, EPOLL_CTL_ADD, target, &ev), "epoll_ctl");
    say("epoll", ep);
    int m = must(memfd_create("fixture-memfd", 0), "memfd_create");
    fill(m, 100);
    lseek(m, 33, SEEK_SET);
    say("memfd_at_33", m);
    say("opath", must(open(regular, O_PATH), "open O_PATH"));
    char *gone = join(dir, "gone");
    int g = must(open(gone, O_RDWR | O_CREAT | O_TRUNC, 0644), "open gone");
    fill(g, 7);
    unlink(gone);
    say("deleted", g);
    char *sparse = join(dir, "sparse");
    int sf = must(open(sparse, O_RDWR | O_CREAT | O_TRUNC, 0644), "open sparse");
    must(ftruncate(sf, 10LL << 30), "ftruncate 10 GiB");
    lseek(sf, 5LL << 30, SEEK_SET);
    unlink(sparse);
    say("deleted_sparse_10g", sf);
    say("name_space", must(open(join(dir, "with space"), O_RDWR | O_CREAT, 0644), "open space"));
    say("name_newline", must(open(join(dir, "new\nline"), O_RDWR | O_CREAT, 0644), "open newline"));
    say("name_bad_utf8", must(open(join(dir, "bad\xff\xfeutf8"), O_RDWR | O_CREAT, 0644), "open bad utf8"));
    say("live_named_deleted", must(open(join(dir, "tail (deleted)"), O_RDWR | O_CREAT, 0644), "open tail"));
    say("nsfs", must(open("/proc/self/ns/net", O_RDONLY), "open /proc/self/ns/net"));
    /* names longer than the capture's first readlink buffer (256 bytes), and one exactly that long */
    char longdir[201];
    memset(longdir, 'x', 200);
    longdir[200] = 0;
    char *ld = join(dir, longdir);
    must(mkdir(ld, 0755), "mkdir long");
    char longname[151];
    memset(longname, 'y', 150);
    longname[150] = 0;
    say("name_long", must(open(join(ld, longname), O_RDWR | O_CREAT, 0644), "open long name"));
    int rest = 256 - (int) strlen(ld) - 1;
    if (rest > 0 && rest < 256) {
        char exact[256];
        memset(exact, 'z', rest);
        exact[rest] = 0;
        say("name_256", must(open(join(ld, exact), O_RDWR | O_CREAT, 0644), "open 256-byte name"));
    }
    /* an fdinfo record larger than the capture's first read buffer (512 bytes): 40 tfd lines */
    int big = must(epoll_create1(0), "epoll_create1 big");
    for (int i = 0; i < 40; i++) {
        int t = must(eventfd(0, 0), "eventfd for big epoll");
        struct epoll_event e = {.events = EPOLLIN, .data.fd = t};
        must(epoll_ctl(big, EPOLL_CTL_ADD, t, &e), "epoll_ctl big");
    }
    say("epoll_40_targets", big);
    /* a block device node of our own (loop7's numbers): O_PATH opens it whether or not the
       device exists; a read-only open only where the driver answers */
    char *blk = join(dir, "blockdev");
    must(mknod(blk, S_IFBLK | 0600, makedev(7, 7)), "mknod block device");
    say("blk_opath", must(open(blk, O_PATH), "open block device O_PATH"));
    int bro = open(blk, O_RDONLY);
    if (bro >= 0) say("blk_ro", bro);
    /* a symlink itself, not what it names: the only way to hold one is O_PATH|O_NOFOLLOW */
    char *ln = join(dir, "link");
    must(symlink(regular, ln), "symlink");
    say("symlink_opath", must(open(ln, O_PATH | O_NOFOLLOW), "open symlink O_PATH|O_NOFOLLOW"));
    int dev = open("/dev/net/tun", O_RDWR);
    if (dev < 0) dev = open("/dev/fuse", O_RDWR);
    if (dev >= 0) say("unknown_chardev", dev);

    int sync[2], hold[2];
    must(pipe(sync), "pipe sync");
    must(pipe(hold), "pipe hold");
    fflush(stdout);
    pid_t child = must(fork(), "fork");
    if (child == 0) {
        close(sync[0]);
        close(hold[1]);
        close(target); /* the epoll stays, its target is closed in this task only */
        lseek(s, 42, SEEK_SET);
        int own = must(open(join(dir, "shared"), O_RDWR), "child open shared");
        lseek(own, 42, SEEK_SET);
        printf("CFD separate_open_same_pos %d\n", own);
        printf("CFD hold %d\n", hold[0]);
        fflush(stdout);
        must(write(sync[1], "k", 1), "sync");
        close(sync[1]);
        char x;
        while (read(hold[0], &x, 1) > 0) {
        }
        _exit(0);
    }
    close(sync[1]);
    close(hold[0]);
    char x;
    must(read(sync[0], &x, 1), "wait for child");
    close(sync[0]);
    say("hold_w", hold[1]);
    printf("CHILD %d\nREADY %d\n", child, getpid());
    serve();
    close(hold[1]);
    waitpid(child, NULL, 0);
    return 0;
}

static int many(int n) {
    int base = must(open("/proc/self/exe", O_RDONLY), "open exe");
    int made = 4; /* stdin, stdout, stderr and base: N is the whole table */
    while (made < n) {
        int k = made % 5, r = 0;
        if (k == 0) r = dup(base);
        else if (k == 1) r = open("/dev/null", O_RDONLY);
        else if (k == 2) {
            int p[2];
            r = pipe(p);
            if (r == 0) made++;
        } else if (k == 3) {
            int sp[2];
            r = socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
            if (r == 0) made++;
        } else r = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
        must(r, "making fds");
        made++;
    }
    printf("READY %d\n", getpid());
    serve();
    return 0;
}

static int sleeper(void *arg) {
    (void) arg;
    char x;
    int fd = *(int *) arg;
    while (read(fd, &x, 1) > 0) {
    }
    return 0;
}

static int clonefiles(void) {
    int hold[2];
    must(pipe(hold), "pipe");
    int f = must(open("/dev/null", O_RDONLY), "open");
    say("devnull", f);
    size_t sz = 256 * 1024;
    char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) die("mmap");
    static int readfd;
    readfd = hold[0];
    pid_t child = clone(sleeper, stack + sz, CLONE_FILES | SIGCHLD, &readfd);
    must(child, "clone");
    /* the child shares this table: hold[1] must stay open here and the child waits for EOF */
    printf("CHILD %d\nREADY %d\n", child, getpid());
    serve();
    close(hold[1]);
    waitpid(child, NULL, 0);
    return 0;
}

static void *blocked(void *arg) {
    (void) arg;
    for (;;) pause();
    return NULL;
}

/* A process with three more threads: a thread id must select the whole process. */
static int threads(void) {
    int f = must(open("/dev/null", O_RDONLY), "open");
    say("devnull", f);
    for (int i = 0; i < 3; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, blocked, NULL) != 0) die("pthread_create");
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", getpid());
    int tid = 0;
    for (int tries = 0; tries < 1000 && tid == 0; tries++) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            int t = atoi(e->d_name);
            if (t > 0 && t != getpid()) tid = t;
        }
        if (d) closedir(d);
    }
    printf("CHILD %d\nREADY %d\n", tid, getpid()); /* CHILD: a thread id, not a process */
    serve();
    return 0;
}

static int unshared_ready[2];

static void *own_table(void *arg) {
    (void) arg;
    if (unshare(CLONE_FILES) != 0) die("unshare(CLONE_FILES)");
    int f = must(open("/dev/zero", O_RDONLY), "open in the thread");
    char tid[32];
    int n = snprintf(tid, sizeof tid, "%ld %d\n", (long) syscall(SYS_gettid), f); /* f: only this thread has it */
    must(write(unshared_ready[1], tid, n), "write tid");
    for (;;) pause();
    return NULL;
}

/* A thread with an fd table of its own: /proc/PID/fd shows only the leader's. */
static int threadtable(void) {
    must(pipe(unshared_ready), "pipe");
    pthread_t t;
    if (pthread_create(&t, NULL, own_table, NULL) != 0) die("pthread_create");
    char buf[64] = {0};
    must(read(unshared_ready[0], buf, sizeof buf - 1), "read tid");
    long tid = 0;
    sscanf(buf, "%ld", &tid);
    printf("CHILD %ld\nREADY %d\n", tid, getpid());
    serve();
    return 0;
}

static int kcmp_oracle(void) {
    int pid[4096], fd[4096], n = 0;
    while (n < 4096 && scanf("%d %d", &pid[n], &fd[n]) == 2) n++;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            long r = syscall(SYS_kcmp, pid[i], pid[j], KCMP_FILE, fd[i], fd[j]);
            if (r < 0) {
                printf("ERR %d %d %d\n", i, j, errno);
            } else if (r == 0) {
                printf("EQ %d %d\n", i, j);
            }
        }
    return 0;
}

int main(int argc, char **argv) {
    raise_nofile();
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    if (argc >= 3 && !strcmp(argv[1], "zoo")) return zoo(argv[2]);
    if (argc >= 3 && !strcmp(argv[1], "many")) return many(atoi(argv[2]));
    if (argc >= 2 && !strcmp(argv[1], "clonefiles")) return clonefiles();
    if (argc >= 2 && !strcmp(argv[1], "kcmp")) return kcmp_oracle();
    if (argc >= 2 && !strcmp(argv[1], "threads")) return threads();
    if (argc >= 2 && !strcmp(argv[1], "threadtable")) return threadtable();
    if (argc >= 4 && !strcmp(argv[1], "kcmpfiles")) {
        long r = syscall(SYS_kcmp, atoi(argv[2]), atoi(argv[3]), KCMP_FILES, 0, 0);
        printf("%ld\n", r < 0 ? -errno : r);
        return 0;
    }
    fprintf(stderr, "usage: fdfixture zoo DIR | many N | clonefiles | kcmp | kcmpfiles P1 P2\n");
    return 2;
}
