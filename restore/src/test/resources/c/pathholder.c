/* A process holding O_PATH fds, for restore tests.
 * usage: pathholder DIR READY   (DIR holds f.txt, the directory sub and the symlink link)
 * fd 3  DIR/f.txt O_PATH, dup'ed to fd 6 with FD_CLOEXEC (one description)
 * fd 4  DIR/sub O_PATH|O_DIRECTORY
 * fd 5  DIR/link O_PATH|O_NOFOLLOW: the symlink itself, not what it names
 * fd 7  DIR/f.txt O_PATH|O_NOFOLLOW: the same file as fd 3, another description
 * READY gets "PID" once all is in place. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int at(int fd, int want) {
    if (fd < 0 || fd == want) return fd;
    int r = dup2(fd, want);
    close(fd);
    return r;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    char p[4200];
    for (int fd = 3; fd < 20; fd++) close(fd);
    snprintf(p, sizeof p, "%s/f.txt", argv[1]);
    if (at(open(p, O_PATH), 3) != 3) return 3;
    if (fcntl(3, F_DUPFD_CLOEXEC, 6) != 6) return 4;
    if (at(open(p, O_PATH | O_NOFOLLOW), 7) != 7) return 5;
    snprintf(p, sizeof p, "%s/sub", argv[1]);
    if (at(open(p, O_PATH | O_DIRECTORY), 4) != 4) return 6;
    snprintf(p, sizeof p, "%s/link", argv[1]);
    if (at(open(p, O_PATH | O_NOFOLLOW), 5) != 5) return 7;
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp", argv[2]);
    FILE *f = fopen(tmp, "we");
    if (!f) return 8;
    fprintf(f, "%d\n", getpid());
    fclose(f);
    rename(tmp, argv[2]);
    for (;;) pause();
}
