/* Prints what restore's Sys assumes of glibc's struct statvfs: size, offset of f_flag, ST_NOEXEC. */
#define _GNU_SOURCE /* ST_NOEXEC is a GNU extension */
#include <stddef.h>
#include <stdio.h>
#include <sys/statvfs.h>

int main(void) {
    printf("%zu %zu %lu\n", sizeof(struct statvfs), offsetof(struct statvfs, f_flag), (unsigned long) ST_NOEXEC);
    return 0;
}
