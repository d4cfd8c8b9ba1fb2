/*
 * Golden vectors for the fd-table profile of the linux-cr RFC v13 image format.
 *
 * Declares the record structs the way include/linux/checkpoint_hdr.h did at v13 (fixed-width
 * kernel types, __attribute__((aligned(8))) on every payload struct), writes the sample image of
 * SampleImages.golden() the way the kernel's cr_write_* functions did (zeroed struct, cr_hdr +
 * sizeof(struct) payload; FD_DATA + FNAME only for an objref's first sighting; objrefs from 1 in
 * first-seen order), and prints sizeof/offsetof of every struct on stdout.
 *
 *   golden OUT.img   ->  writes the image, prints "sizeof NAME N" / "offsetof NAME FIELD N"
 *
 * Written independently of the Java codec: its only inputs are the kernel layouts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int16_t __s16;
typedef uint16_t __u16;
typedef int32_t __s32;
typedef uint32_t __u32;
typedef uint64_t __u64;

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "v13 images are little-endian (x86); this program writes structs as they are in memory"
#endif

struct cr_hdr {
	__s16 type;
	__s16 len;
	__u32 parent;
};

enum {
	CR_HDR_HEAD = 1,
	CR_HDR_HEAD_ARCH,
	CR_HDR_BUFFER,
	CR_HDR_STRING,
	CR_HDR_FNAME,
	CR_HDR_TREE = 101,
	CR_HDR_TASK,
	CR_HDR_THREAD,
	CR_HDR_CPU,
	CR_HDR_MM = 201,
	CR_HDR_VMA,
	CR_HDR_PGARR,
	CR_HDR_MM_CONTEXT,
	CR_HDR_FILES = 301,
	CR_HDR_FD_ENT,
	CR_HDR_FD_DATA,
	CR_HDR_TAIL = 5001
};

#define CHECKPOINT_MAGIC_HEAD 0x00feed0cc0a2d200ULL
#define CHECKPOINT_MAGIC_TAIL 0x002d2a0cc0deef00ULL
#define CR_VERSION 3
#define CR_CTX_CKPT 0x1
#define __NEW_UTS_LEN 64
#define TASK_COMM_LEN 16

struct cr_hdr_head {
	__u64 magic;
	__u16 major;
	__u16 minor;
	__u16 patch;
	__u16 rev;
	__u64 time;
	__u64 flags;
	char release[__NEW_UTS_LEN];
	char version[__NEW_UTS_LEN];
	char machine[__NEW_UTS_LEN];
} __attribute__((aligned(8)));

struct cr_hdr_tail {
	__u64 magic;
} __attribute__((aligned(8)));

struct cr_hdr_tree {
	__u32 tasks_nr;
} __attribute__((aligned(8)));

struct cr_hdr_pids {
	__s32 vpid;
	__s32 vtgid;
	__s32 vppid;
} __attribute__((aligned(8)));

struct cr_hdr_task {
	__u32 state;
	__u32 exit_state;
	__u32 exit_code;
	__u32 exit_signal;
	__s32 task_comm_len;
} __attribute__((aligned(8)));

struct cr_hdr_files {
	__u32 objref;
	__u32 nfds;
} __attribute__((aligned(8)));

struct cr_hdr_fd_ent {
	__u32 objref;
	__s32 fd;
	__u32 close_on_exec;
} __attribute__((aligned(8)));

/* v13 knew 1 and 2; 3..8 are the fleetckpt extension */
enum fd_type {
	CR_FD_FILE = 1,
	CR_FD_DIR,
	CR_FD_CHR,
	CR_FD_BLK,
	CR_FD_FIFO,
	CR_FD_SOCK,
	CR_FD_ANON,
	CR_FD_SYMLINK,
};

struct cr_hdr_fd_data {
	__u16 fd_type;
	__u16 f_mode;
	__u32 f_flags;
	__u64 f_pos;
	__u64 f_version;
} __attribute__((aligned(8)));

/* ---- the sample processes: what the kernel would have found ---------------------------- */

struct file {			/* an open file description */
	enum fd_type type;
	unsigned mode, flags;
	__u64 pos;
	const char *name;
	int namelen;		/* names may hold any byte but NUL */
};

struct fdslot {
	int fd;
	int coe;
	struct file *file;
};

struct files_struct {
	int nfds;
	struct fdslot slot[8];
};

struct task {
	int pid, tgid, ppid;
	const char *comm;
	struct files_struct *files;
	int shared;		/* files_struct shared via CLONE_FILES */
};

#define O_RDONLY 0
#define O_WRONLY 01
#define O_RDWR 02
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW 0400000
#define O_PATH 010000000

#define F(t, m, fl, p, n) { t, m, fl, p, n, sizeof(n) - 1 }
static struct file devnull = F(CR_FD_CHR, 0x0f, O_RDWR | O_LARGEFILE, 0, "/dev/null");
static struct file pipe_w = F(CR_FD_FIFO, 0x02, O_WRONLY, 0, "pipe:[40123]");
static struct file applog = F(CR_FD_FILE, 0x0e, O_WRONLY | O_APPEND | O_LARGEFILE, 4096, "/var/log/app.log");
static struct file datadir = F(CR_FD_DIR, 0x0d, O_RDONLY | O_DIRECTORY | O_LARGEFILE, 48, "/data");
static struct file sock = F(CR_FD_SOCK, 0x03, O_RDWR | O_NONBLOCK, 0, "socket:[77001]");
static struct file evfd = F(CR_FD_ANON, 0x03, O_RDWR | O_NONBLOCK, 0, "anon_inode:[eventfd]");
static struct file scratch = F(CR_FD_FILE, 0x0f, O_RDWR | O_LARGEFILE, 123456789012ULL, "/tmp/scratch (deleted)");
static struct file hosts = F(CR_FD_FILE, 0x0d, O_RDONLY | O_LARGEFILE, 12, "/etc/hosts");
static struct file sda = F(CR_FD_BLK, 0x0d, O_RDONLY | O_LARGEFILE, 0, "/dev/sda");
static struct file tool = F(CR_FD_SYMLINK, 0x4000, O_PATH | O_NOFOLLOW, 0, "/usr/bin/tool");
static struct file odd = F(CR_FD_FILE, 0x0d, O_RDONLY, 7, "/tmp/\xff\x01n\\ame");

static struct files_struct t100 = { 7, { {0, 0, &devnull}, {1, 0, &pipe_w}, {2, 0, &pipe_w},
	{3, 0, &applog}, {4, 1, &datadir}, {5, 1, &sock}, {6, 0, &evfd} } };
static struct files_struct t101 = { 5, { {0, 0, &devnull}, {1, 0, &pipe_w}, {3, 0, &applog},
	{7, 0, &scratch}, {9, 1, &hosts} } };
static struct files_struct tshared = { 4, { {0, 0, &devnull}, {4, 0, &sda}, {8, 1, &tool},
	{10, 0, &odd} } };
static struct files_struct tempty = { 0 };

/* depth-first pre-order, as cr_write_tree walks children */
static struct task tasks[] = {
	{100, 100, 1, "init-sh", &t100, 0},
	{101, 101, 100, "worker", &t101, 0},
	{102, 102, 100, "sharer-a", &tshared, 1},
	{103, 103, 102, "sharer-b", &tshared, 1},
	{104, 104, 100, "abcdefghijklmnop", &tempty, 0},
};
#define NTASKS (int)(sizeof(tasks) / sizeof(tasks[0]))

/* ---- the checkpoint side, after checkpoint.c / ckpt_file.c / objhash.c ------------------ */

static FILE *out;

/* objhash: pointer -> objref, new objects take next_free_objref++ starting at 1 */
static const void *hash_ptr[64];
static int hash_nr, next_free_objref = 1;

static int cr_obj_add_ptr(const void *ptr, int *objref)
{
	for (int i = 0; i < hash_nr; i++)
		if (hash_ptr[i] == ptr) {
			*objref = i + 1;
			return 0;
		}
	hash_ptr[hash_nr++] = ptr;
	*objref = next_free_objref++;
	return 1;
}

static void cr_write_obj(struct cr_hdr *h, const void *buf)
{
	fwrite(h, sizeof(*h), 1, out);
	fwrite(buf, h->len, 1, out);
}

static void cr_write_head(__u64 now)
{
	struct cr_hdr h = { CR_HDR_HEAD, sizeof(struct cr_hdr_head), 0 };
	struct cr_hdr_head hh;
	memset(&hh, 0, sizeof(hh));
	hh.magic = CHECKPOINT_MAGIC_HEAD;
	hh.major = 6;
	hh.minor = 12;
	hh.patch = 0;
	hh.rev = CR_VERSION;
	hh.time = now;
	hh.flags = CR_CTX_CKPT;
	strncpy(hh.release, "6.12.0-fleet", sizeof(hh.release));
	strncpy(hh.version, "#1 SMP PREEMPT_DYNAMIC Mon Dec  1 00:00:00 UTC 2026", sizeof(hh.version));
	strncpy(hh.machine, "x86_64", sizeof(hh.machine));
	cr_write_obj(&h, &hh);
}

static void cr_write_tree(void)
{
	struct cr_hdr h = { CR_HDR_TREE, sizeof(struct cr_hdr_tree), 0 };
	struct cr_hdr_tree hh;
	memset(&hh, 0, sizeof(hh));
	hh.tasks_nr = NTASKS;
	cr_write_obj(&h, &hh);
	for (int i = 0; i < NTASKS; i++) {
		struct cr_hdr_pids p;
		memset(&p, 0, sizeof(p));
		p.vpid = tasks[i].pid;
		p.vtgid = tasks[i].tgid;
		p.vppid = tasks[i].ppid;
		fwrite(&p, sizeof(p), 1, out);	/* raw, no cr_hdr */
	}
}

static void cr_write_string(const char *s, int len)
{
	struct cr_hdr h = { CR_HDR_STRING, len, 0 };
	char buf[TASK_COMM_LEN];
	memset(buf, 0, sizeof(buf));
	memcpy(buf, s, strlen(s) < (size_t)len ? strlen(s) : (size_t)len);
	cr_write_obj(&h, buf);
}

static void cr_write_fname(const struct file *f)
{
	struct cr_hdr h = { CR_HDR_FNAME, f->namelen + 1, 0 };	/* the NUL is included */
	char buf[4096];
	memcpy(buf, f->name, f->namelen);
	buf[f->namelen] = 0;
	cr_write_obj(&h, buf);
}

static void cr_write_fd_data(const struct file *f, int objref)
{
	struct cr_hdr h = { CR_HDR_FD_DATA, sizeof(struct cr_hdr_fd_data), objref };
	struct cr_hdr_fd_data hh;
	memset(&hh, 0, sizeof(hh));
	hh.fd_type = f->type;
	hh.f_mode = f->mode;
	hh.f_flags = f->flags;
	hh.f_pos = f->pos;
	hh.f_version = 0;	/* Linux 6.12 removed f_version */
	cr_write_obj(&h, &hh);
	cr_write_fname(f);
}

static void cr_write_files(const struct task *t)
{
	struct cr_hdr h = { CR_HDR_FILES, sizeof(struct cr_hdr_files), t->pid };
	struct cr_hdr_files hh;
	int table = 0, repeat = 0;
	if (t->shared)	/* extension: a shared files_struct is an object of the same objhash */
		repeat = !cr_obj_add_ptr(t->files, &table);
	memset(&hh, 0, sizeof(hh));
	hh.objref = table;
	hh.nfds = repeat ? 0 : t->files->nfds;
	cr_write_obj(&h, &hh);
	if (repeat)
		return;
	for (int n = 0; n < t->files->nfds; n++) {
		const struct fdslot *s = &t->files->slot[n];
		struct cr_hdr eh = { CR_HDR_FD_ENT, sizeof(struct cr_hdr_fd_ent), table };
		struct cr_hdr_fd_ent e;
		int objref, new = cr_obj_add_ptr(s->file, &objref);
		memset(&e, 0, sizeof(e));
		e.objref = objref;
		e.fd = s->fd;
		e.close_on_exec = s->coe;
		cr_write_obj(&eh, &e);
		if (new)
			cr_write_fd_data(s->file, objref);
	}
}

static void cr_write_task(const struct task *t)
{
	struct cr_hdr h = { CR_HDR_TASK, sizeof(struct cr_hdr_task), 0 };
	struct cr_hdr_task hh;
	memset(&hh, 0, sizeof(hh));
	hh.state = 1;	/* TASK_INTERRUPTIBLE: frozen in the freezer */
	hh.task_comm_len = TASK_COMM_LEN;
	cr_write_obj(&h, &hh);
	cr_write_string(t->comm, TASK_COMM_LEN);
	/* no MM: the fd-table profile checkpoints fd tables, not memory */
	cr_write_files(t);
	/* no THREAD, no CPU */
}

static void cr_write_tail(void)
{
	struct cr_hdr h = { CR_HDR_TAIL, sizeof(struct cr_hdr_tail), 0 };
	struct cr_hdr_tail hh;
	memset(&hh, 0, sizeof(hh));
	hh.magic = CHECKPOINT_MAGIC_TAIL;
	cr_write_obj(&h, &hh);
}

/* ---- layout report ------------------------------------------------------------------ */

#define SIZE(s) printf("sizeof %s %zu\n", #s, sizeof(struct s))
#define OFF(s, f) printf("offsetof %s %s %zu\n", #s, #f, offsetof(struct s, f))

static void print_layouts(void)
{
	SIZE(cr_hdr); OFF(cr_hdr, type); OFF(cr_hdr, len); OFF(cr_hdr, parent);
	SIZE(cr_hdr_head); OFF(cr_hdr_head, magic); OFF(cr_hdr_head, major); OFF(cr_hdr_head, minor);
	OFF(cr_hdr_head, patch); OFF(cr_hdr_head, rev); OFF(cr_hdr_head, time); OFF(cr_hdr_head, flags);
	OFF(cr_hdr_head, release); OFF(cr_hdr_head, version); OFF(cr_hdr_head, machine);
	SIZE(cr_hdr_tail); OFF(cr_hdr_tail, magic);
	SIZE(cr_hdr_tree); OFF(cr_hdr_tree, tasks_nr);
	SIZE(cr_hdr_pids); OFF(cr_hdr_pids, vpid); OFF(cr_hdr_pids, vtgid); OFF(cr_hdr_pids, vppid);
	SIZE(cr_hdr_task); OFF(cr_hdr_task, state); OFF(cr_hdr_task, exit_state);
	OFF(cr_hdr_task, exit_code); OFF(cr_hdr_task, exit_signal); OFF(cr_hdr_task, task_comm_len);
	SIZE(cr_hdr_files); OFF(cr_hdr_files, objref); OFF(cr_hdr_files, nfds);
	SIZE(cr_hdr_fd_ent); OFF(cr_hdr_fd_ent, objref); OFF(cr_hdr_fd_ent, fd);
	OFF(cr_hdr_fd_ent, close_on_exec);
	SIZE(cr_hdr_fd_data); OFF(cr_hdr_fd_data, fd_type); OFF(cr_hdr_fd_data, f_mode);
	OFF(cr_hdr_fd_data, f_flags); OFF(cr_hdr_fd_data, f_pos); OFF(cr_hdr_fd_data, f_version);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s OUT.img\n", argv[0]);
		return 2;
	}
	out = fopen(argv[1], "wb");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	cr_write_head(1764720000ULL);
	cr_write_tree();
	for (int i = 0; i < NTASKS; i++)
		cr_write_task(&tasks[i]);
	cr_write_tail();
	if (fclose(out) != 0) {
		perror(argv[1]);
		return 2;
	}
	print_layouts();
	return 0;
}
