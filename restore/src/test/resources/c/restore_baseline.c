/* Baseline for the restore benchmark: the same work as `fleetckpt restore`, in C, no JVM.
 * usage: restore_baseline DIR FILES DUPS REPS
 * Opens DIR/f<i> for i < FILES (O_RDWR, seek to i % 16, F_SETFL O_APPEND on odd i), parks each above
 * the highest target, then fork: the child dup2s every file to DUPS target numbers, closes the
 * parked range and execs /bin/true; the parent waits. Prints one line per repetition: ms. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 5) return 2;
    int files = atoi(argv[2]), dups = atoi(argv[3]), reps = atoi(argv[4]);
    int base = files * dups + 3;
    int *src = malloc(sizeof(int) * files);
    for (int r = 0; r < reps; r++) {
        double t0 = now_ms();
        for (int i = 0; i < files; i++) {
            char p[4200];
            snprintf(p, sizeof p, "%s/f%d", argv[1], i);
            int fd = open(p, O_RDWR | O_CLOEXEC | O_NONBLOCK);
            if (fd < 0) { perror(p); return 3; }
            lseek(fd, i % 16, SEEK_SET);
            fcntl(fd, F_SETFL, (i & 1) ? O_APPEND : 0);
            src[i] = fcntl(fd, F_DUPFD_CLOEXEC, base);
            close(fd);
        }
        pid_t pid = fork();
        if (pid == 0) {
            for (int i = 0; i < files; i++)
                for (int k = 0; k < dups; k++) dup2(src[i], 3 + i * dups + k);
            for (int fd = 0; fd < 3; fd++) close(fd);
            close_range(base, ~0U, 0);
            execl("/bin/true", "true", (char *) 0);
            _exit(127);
        }
        int st;
        waitpid(pid, &st, 0);
        for (int i = 0; i < files; i++) close(src[i]);
        printf("%.3f\n", now_ms() - t0);
    }
    return 0;
}
