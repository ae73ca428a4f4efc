/*
 * ferry_beneath: opens that cannot leave the served root, however its entries are renamed meanwhile.
 *
 * Checking a path and then using it leaves a window: a local process that renames a directory
 * `d` inside the root and puts a symlink to /etc in its place between the check and the open
 * sends a STOR, DELE or LIST on `d/...` outside the root. vsftpd closes the window with chroot;
 * an unprivileged server in one process cannot. openat2(2) (Linux 5.6+) with RESOLVE_BENEATH
 * resolves the whole path in the kernel, relative to a descriptor of the root, and fails with
 * EXDEV as soon as any step (`..`, an absolute symlink, a relative symlink climbing out) would
 * leave it; RESOLVE_NO_MAGICLINKS also refuses /proc/<pid>/fd-style links met on the way.
 * What the server does next works on the descriptor (or, for Node's fs calls that have no *at
 * form, on /proc/self/fd/<fd>/<name>, which the kernel resolves from that same descriptor).
 *
 * JavaScript API (see src/core/native/native-io.ts):
 *   (path: a string, or a Buffer holding a name's raw bytes)
 *   openBeneathCached(dirFd, path, flags) -> fd, or -1 unless the kernel can open it beneath dirFd without I/O
 *   openBeneath(dirFd, path, flags, mode, done)   in libuv's thread pool; done(errnoName | undefined, fd)
 * The thread-pool call works on a dup() of dirFd, so closing dirFd meanwhile (a session ending)
 * can never make it resolve against a reused descriptor number.
 */
#define _GNU_SOURCE
#include "ferry_io.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BENEATH (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)

typedef struct {
  napi_async_work work;
  napi_ref done;
  int dir;
  char *path;
  struct open_how how;
  int fd;
  int error;
} open_request_t;

/* Copies a path argument (a string, or a Buffer of raw name bytes) into a new NUL-terminated string. */
static int path_arg(napi_env env, napi_value value, char **path) {
  bool is_buffer = false;
  void *bytes = NULL;
  size_t length = 0;
  napi_is_buffer(env, value, &is_buffer);
  if (is_buffer ? napi_get_buffer_info(env, value, &bytes, &length) != napi_ok : napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return 0;
  *path = malloc(length + 1);
  if (*path == NULL) return 0;
  if (is_buffer) {
    memcpy(*path, bytes, length);
    (*path)[length] = 0;
  } else {
    napi_get_value_string_utf8(env, value, *path, length + 1, &length);
  }
  /* A NUL inside would cut the path the kernel sees short. */
  if (strlen(*path) == length) return 1;
  free(*path);
  return 0;
}

/* Reads (dirFd, path, flags) into its out-parameters; 0 with a TypeError thrown when they are not that. */
static int open_args(napi_env env, napi_value *argv, size_t argc, int32_t *dir, char **path, int32_t *flags) {
  if (argc < 3 || !fd_arg(env, argv[0], dir) || napi_get_value_int32(env, argv[2], flags) != napi_ok || !path_arg(env, argv[1], path)) {
    napi_throw_type_error(env, NULL, "expected a directory descriptor, a relative path without NUL (string or Buffer) and open flags");
    return 0;
  }
  return 1;
}

static napi_value open_beneath_cached(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t dir = -1, flags = 0;
  char *path = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!open_args(env, argv, argc, &dir, &path, &flags)) return NULL;
  /* RESOLVE_CACHED (5.12+) fails with EAGAIN rather than wait for a disk; O_CREAT is never cached. */
  struct open_how how = {.flags = (uint64_t)(uint32_t)flags | O_CLOEXEC, .resolve = BENEATH | RESOLVE_CACHED};
  long fd = syscall(SYS_openat2, dir, path, &how, sizeof how);
  free(path);
  return int64_value(env, fd < 0 ? -1 : fd);
}

static void run_open(napi_env env, void *data) {
  (void)env;
  open_request_t *request = data;
  long fd = syscall(SYS_openat2, request->dir, request->path, &request->how, sizeof request->how);
  request->fd = (int)fd;
  request->error = fd < 0 ? errno : 0;
  close(request->dir);
}

static void finish_open(napi_env env, napi_status status, void *data) {
  open_request_t *request = data;
  napi_value done, undefined, argv[2];
  napi_get_undefined(env, &undefined);
  int error = status == napi_ok ? request->error : ECANCELED;
  if (error != 0) {
    const char *name = errno_name(error);
    napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &argv[0]);
  } else {
    argv[0] = undefined;
  }
  argv[1] = int64_value(env, error != 0 ? -1 : request->fd);
  if (napi_get_reference_value(env, request->done, &done) == napi_ok) napi_call_function(env, undefined, done, 2, argv, NULL);
  napi_delete_reference(env, request->done);
  napi_delete_async_work(env, request->work);
  free(request->path);
  free(request);
}

static napi_value open_beneath(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], name;
  int32_t dir = -1, flags = 0, mode = 0;
  char *path = NULL;
  napi_valuetype type = napi_undefined;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5 || napi_get_value_int32(env, argv[3], &mode) != napi_ok || napi_typeof(env, argv[4], &type) != napi_ok || type != napi_function) {
    napi_throw_type_error(env, NULL, "expected a directory descriptor, a relative path, open flags, a mode and a callback");
    return NULL;
  }
  if (!open_args(env, argv, argc, &dir, &path, &flags)) return NULL;
  int copy = fcntl(dir, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) {
    free(path);
    return throw_errno(env, "dup", errno);
  }
  open_request_t *request = calloc(1, sizeof *request);
  if (request == NULL) {
    close(copy);
    free(path);
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  request->dir = copy;
  request->path = path;
  request->how = (struct open_how){.flags = (uint64_t)(uint32_t)flags | O_CLOEXEC, .mode = (uint64_t)(uint32_t)mode, .resolve = BENEATH};
  napi_create_reference(env, argv[4], 1, &request->done);
  napi_create_string_utf8(env, "ferry:openBeneath", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, run_open, finish_open, request, &request->work);
  napi_queue_async_work(env, request->work);
  return NULL;
}

void register_beneath(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"openBeneathCached", NULL, open_beneath_cached, NULL, NULL, NULL, napi_default, NULL},
      {"openBeneath", NULL, open_beneath, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
}
