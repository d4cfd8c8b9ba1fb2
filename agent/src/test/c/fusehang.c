/*
 * fusehang: a FUSE filesystem that stops answering stat, for the hung-filesystem tests.
 *
 *   fusehang MOUNTPOINT [SECONDS]
 *
 * Speaks the kernel's FUSE protocol on /dev/fuse directly (no libfuse: only <linux/fuse.h>), so
 * it needs root and the fuse filesystem, nothing else. The mount holds one regular file,
 * "stuck" (ino 4242, size 12345, mode 0640, one link). Attributes are given with a validity of
 * 0, so every stat that may ask the daemon (anything but statx with AT_STATX_DONT_SYNC) sends it
 * a GETATTR.
 *
 * Prints "READY" once mounted. After SIGUSR1 it reads GETATTR requests and never answers them:
 * the caller's stat blocks as on a hung FUSE daemon or a dead NFS server, until the daemon goes
 * away. Everything else (lookup, open, flush, release) keeps being answered. SIGTERM detaches
 * the mount and exits; closing /dev/fuse then fails every unanswered request with ENOTCONN, so
 * whoever was blocked gets free. After SECONDS (if given) it does the same by itself: a test that
 * went wrong cannot leave a process blocked for good, even when the JVM that should end the
 * daemon is itself stuck.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_NODE 2
#define FILE_INO 4242
#define FILE_SIZE 12345

static volatile sig_atomic_t hang;
static const char *mountpoint;

static void on_usr1(int sig) { (void) sig; hang = 1; }

static void on_term(int sig)
{
	(void) sig;
	umount2(mountpoint, MNT_DETACH);
	_exit(0);
}

static void reply(int dev, uint64_t unique, int error, const void *body, size_t len)
{
	char buf[sizeof(struct fuse_out_header) + 256];
	struct fuse_out_header *h = (struct fuse_out_header *) buf;
	h->len = sizeof(*h) + (error ? 0 : len);
	h->error = error;
	h->unique = unique;
	if (!error && len) memcpy(buf + sizeof(*h), body, len);
	if (write(dev, buf, h->len) < 0 && errno != ENOENT) perror("fusehang: write");
}

static void attr_of(uint64_t node, struct fuse_attr *a)
{
	memset(a, 0, sizeof(*a));
	if (node == FUSE_ROOT_ID) {
		a->ino = 1;
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
	} else {
		a->ino = FILE_INO;
		a->mode = S_IFREG | 0640;
		a->nlink = 1;
		a->size = FILE_SIZE;
		a->blocks = (FILE_SIZE + 511) / 512;
	}
	a->blksize = 4096;
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: fusehang MOUNTPOINT [SECONDS]\n");
		return 2;
	}
	mountpoint = argv[1];
	int dev = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror("fusehang: /dev/fuse");
		return 3;
	}
	char opts[128];
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0", dev);
	if (mount("fusehang", mountpoint, "fuse.fusehang", MS_NOSUID | MS_NODEV, opts) < 0) {
		perror("fusehang: mount");
		return 3;
	}
	signal(SIGUSR1, on_usr1);
	signal(SIGTERM, on_term);
	signal(SIGALRM, on_term);
	if (argc == 3) alarm(atoi(argv[2]));
	printf("READY\n");
	fflush(stdout);

	static char buf[FUSE_MIN_READ_BUFFER + 256 * 1024];
	for (;;) {
		ssize_t n = read(dev, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR || errno == ENOENT || errno == EAGAIN) continue;
			if (errno == ENODEV) return 0; /* unmounted */
			perror("fusehang: read");
			return 1;
		}
		struct fuse_in_header *in = (struct fuse_in_header *) buf;
		char *arg = buf + sizeof(*in);
		switch (in->opcode) {
		case FUSE_INIT: {
			struct fuse_init_out o;
			memset(&o, 0, sizeof(o));
			o.major = FUSE_KERNEL_VERSION;
			o.minor = FUSE_KERNEL_MINOR_VERSION;
			o.max_write = 4096;
			o.time_gran = 1;
			reply(dev, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_LOOKUP: {
			if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "stuck") != 0) {
				reply(dev, in->unique, -ENOENT, NULL, 0);
				break;
			}
			struct fuse_entry_out e;
			memset(&e, 0, sizeof(e));
			e.nodeid = FILE_NODE;
			e.entry_valid = 3600;
			attr_of(FILE_NODE, &e.attr); /* attr_valid 0: expired at once */
			reply(dev, in->unique, 0, &e, sizeof(e));
			break;
		}
		case FUSE_GETATTR: {
			if (hang) break; /* never answered */
			struct fuse_attr_out a;
			memset(&a, 0, sizeof(a));
			attr_of(in->nodeid, &a.attr);
			reply(dev, in->unique, 0, &a, sizeof(a));
			break;
		}
		case FUSE_OPEN: {
			struct fuse_open_out o;
			memset(&o, 0, sizeof(o));
			reply(dev, in->unique, 0, &o, sizeof(o));
			break;
		}
		case FUSE_FLUSH:
		case FUSE_RELEASE:
			reply(dev, in->unique, 0, NULL, 0);
			break;
		case FUSE_FORGET:
		case FUSE_BATCH_FORGET:
		case FUSE_INTERRUPT:
			break; /* no reply expected */
		default:
			reply(dev, in->unique, -ENOSYS, NULL, 0);
		}
	}
}
