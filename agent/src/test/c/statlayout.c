/*
 * statlayout: sizeof and offsetof of the struct stat and struct statx fields the agent reads,
 * as this machine's compiler and glibc lay them out, one "offsetof STRUCT FIELD N" or
 * "sizeof NAME N" per line. StatLayoutTest compares them with StatLayout and StatxLayout.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>

#define OFF(s, f) printf("offsetof %s %s %zu\n", #s, #f, offsetof(struct s, f))

int main(void)
{
	OFF(stat, st_dev);
	OFF(stat, st_ino);
	OFF(stat, st_nlink);
	OFF(stat, st_mode);
	OFF(stat, st_rdev);
	OFF(stat, st_size);
	printf("sizeof stat %zu\n", sizeof(struct stat));
	printf("sizeof stat.st_nlink %zu\n", sizeof(((struct stat *) 0)->st_nlink));

	OFF(statx, stx_mask);
	OFF(statx, stx_nlink);
	OFF(statx, stx_mode);
	OFF(statx, stx_ino);
	OFF(statx, stx_size);
	OFF(statx, stx_rdev_major);
	OFF(statx, stx_rdev_minor);
	OFF(statx, stx_dev_major);
	OFF(statx, stx_dev_minor);
	printf("sizeof statx %zu\n", sizeof(struct statx));
	printf("sizeof statx.stx_mode %zu\n", sizeof(((struct statx *) 0)->stx_mode));
	return 0;
}
