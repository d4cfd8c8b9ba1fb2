/* A process with an interesting fd table for restore tests; forks one child that shares it.
 * usage: holder DIR READY
 * fd 3  DIR/a.txt O_RDONLY at 100, dup'ed to fd 10 (one description)
 * fd 4  DIR/log.txt O_WRONLY|O_APPEND after writing 5 bytes
 * fd 5  DIR/b.txt O_RDWR at 7, dup'ed to fd 6 with FD_CLOEXEC (fd 5 without)
 * fd 7  DIR, a directory
 * fd 8,9 a pipe
 * fd 11 DIR/c.txt O_RDONLY|O_NONBLOCK
 * fd 12 DIR/a.txt O_RDONLY at 100 again: same file and position as fd 3, another description
 * the child then opens DIR/d.txt at fd 13 at 3. READY gets "PARENT CHILD" once all is in place. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int at(int fd, int want) {
    if (fd == want) return fd;
    int r = dup2(fd, want);
    close(fd);
    return r;
}

static const char *in(const char *dir, const char *name) {
    static char buf[8][4200];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    const char *dir = argv[1];
    for (int fd = 3; fd < 20; fd++) close(fd);
    int sync[2], s[2];
    if (pipe2(s, O_CLOEXEC)) return 6;
    sync[0] = fcntl(s[0], F_DUPFD_CLOEXEC, 50); /* away from the numbers set up below */
    sync[1] = fcntl(s[1], F_DUPFD_CLOEXEC, 50);
    close(s[0]);
    close(s[1]);
    at(open(in(dir, "a.txt"), O_RDONLY), 3);
    lseek(3, 100, SEEK_SET);
    dup2(3, 10);
    at(open(in(dir, "log.txt"), O_WRONLY | O_APPEND), 4);
    if (write(4, "hello", 5) != 5) return 3;
    at(open(in(dir, "b.txt"), O_RDWR), 5);
    lseek(5, 7, SEEK_SET);
    int d6 = fcntl(5, F_DUPFD_CLOEXEC, 6);
    if (d6 != 6) return 4;
    at(open(dir, O_RDONLY | O_DIRECTORY), 7);
    int p[2];
    if (pipe(p)) return 5;
    at(p[0], 8);
    at(p[1], 9);
    at(open(in(dir, "c.txt"), O_RDONLY | O_NONBLOCK), 11);
    at(open(in(dir, "a.txt"), O_RDONLY), 12);
    lseek(12, 100, SEEK_SET);
    pid_t child = fork();
    if (child == 0) {
        at(open(in(dir, "d.txt"), O_RDONLY), 13);
        lseek(13, 3, SEEK_SET);
        close(sync[0]);
        close(sync[1]);
        for (;;) pause();
    }
    close(sync[1]);
    char c;
    if (read(sync[0], &c, 1) != 0) return 7; /* EOF once the child's fds are in place */
    close(sync[0]);
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE *f = fopen(tmp, "we");
    fprintf(f, "%d %d\n", getpid(), child);
    fclose(f);
    rename(tmp, argv[2]);
    for (;;) pause();
}
