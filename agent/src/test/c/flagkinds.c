/*
 * Holds one fd of each kind whose f_flags the format's reader must accept, including the ones
 * whose f_flags surprise: a pidfd keeps PIDFD_THREAD (O_EXCL), an O_TMPFILE file keeps
 * __O_TMPFILE, access mode 3, /proc/self/mem at a negative position. Prints "FD name n" for
 * each, then "READY pid", then waits for stdin to close (the protocol of fdfixture.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

static int must(int r, const char *what) {
    if (r < 0) {
        fprintf(stderr, "flagkinds: %s: %s\n", what, strerror(errno));
        exit(2);
    }
    return r;
}

static void say(const char *name, int fd) {
    printf("FD %s %d\n", name, fd);
}

static char *join(const char *dir, const char *name) {
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *dir = argv[1];
    char *file = join(dir, "file");
    say("created_excl_trunc_noctty", must(open(file, O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY, 0600), "open creat"));
    int f = must(open(file, O_RDONLY), "open");
    must(fcntl(f, F_SETFL, O_ASYNC | O_NOATIME | O_NONBLOCK), "F_SETFL");
    say("async_noatime_nonblock", f);
    int d = open(file, O_RDONLY | O_DIRECT | O_SYNC);
    if (d >= 0) say("direct_sync", d); /* tmpfs has no O_DIRECT */
    say("accmode3_file", must(open(file, 3), "open mode 3"));
    say("accmode3_devnull", must(open("/dev/null", 3), "open /dev/null mode 3"));
    say("tmpfile_rw", must(open(dir, O_TMPFILE | O_RDWR, 0600), "O_TMPFILE"));
    say("tmpfile_wo", must(open(dir, O_TMPFILE | O_WRONLY, 0600), "O_TMPFILE wo"));
    say("opath_rw_append", must(open(file, O_PATH | O_RDWR | O_APPEND), "O_PATH"));
    char *ln = join(dir, "link");
    must(symlink("file", ln), "symlink");
    say("opath_symlink", must(open(ln, O_PATH | O_NOFOLLOW), "O_PATH symlink"));
    int mem = must(open("/proc/self/mem", O_RDONLY), "/proc/self/mem");
    lseek(mem, (off_t) 0xffffffff00000000ULL, SEEK_SET); /* FMODE_UNSIGNED_OFFSET: a negative f_pos */
    say("proc_mem_negative_pos", mem);
    int m = must(posix_openpt(O_RDWR | O_NOCTTY), "posix_openpt");
    must(grantpt(m), "grantpt");
    must(unlockpt(m), "unlockpt");
    say("ptmx", m);
    must(setsid(), "setsid");
    say("pts_ctty", must(open(ptsname(m), O_RDWR), "open pts"));
    say("dev_tty", must(open("/dev/tty", O_RDWR), "open /dev/tty"));
    say("eventfd_nonblock", must(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd"));
    say("epoll", must(epoll_create1(0), "epoll"));
    say("inotify", must(inotify_init1(0), "inotify"));
    say("inotify_nonblock", must(inotify_init1(IN_NONBLOCK), "inotify nonblock"));
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    say("signalfd", must(signalfd(-1, &s, SFD_NONBLOCK), "signalfd"));
    say("timerfd", must(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK), "timerfd"));
    say("memfd", must(memfd_create("flagkinds", 0), "memfd"));
    say("pidfd", must(syscall(SYS_pidfd_open, getpid(), 0), "pidfd_open"));
    say("pidfd_nonblock", must(syscall(SYS_pidfd_open, getpid(), O_NONBLOCK), "pidfd_open nonblock"));
    int pt = syscall(SYS_pidfd_open, getpid(), O_EXCL); /* PIDFD_THREAD, Linux 6.9+ */
    if (pt >= 0) say("pidfd_thread", pt);
    int uf = syscall(SYS_userfaultfd, O_NONBLOCK);
    if (uf >= 0) say("userfaultfd", uf);
    int fan = fanotify_init(FAN_CLASS_NOTIF | FAN_NONBLOCK, O_RDONLY | O_LARGEFILE);
    if (fan >= 0) {
        say("fanotify", fan);
        if (fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, file) == 0) {
            close(must(open(file, O_RDONLY), "open for fanotify"));
            struct fanotify_event_metadata md[8];
            if (read(fan, md, sizeof md) > 0 && md[0].fd >= 0) say("fanotify_event", md[0].fd);
        }
    }
    say("udp_nonblock", must(socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0), "udp"));
    say("netlink", must(socket(AF_NETLINK, SOCK_RAW, 0), "netlink"));
    int p[2];
    must(pipe2(p, O_NONBLOCK | O_DIRECT), "pipe2");
    say("pipe_direct_r", p[0]);
    say("pipe_direct_w", p[1]);
    char *fifo = join(dir, "fifo");
    must(mkfifo(fifo, 0600), "mkfifo");
    say("fifo_by_path", must(open(fifo, O_RDWR | O_NONBLOCK), "open fifo"));
    say("nsfs", must(open("/proc/self/ns/net", O_RDONLY), "ns"));
    printf("READY %d\n", getpid());
    fflush(stdout);
    char buf[64];
    while (fgets(buf, sizeof buf, stdin)) {
    }
    return 0;
}
