/*
 * ferry_io: the data path of a plain (non-TLS, unthrottled) FTP transfer, moved off the event loop.
 *
 * Node has no sendfile(2): a download in JavaScript copies every byte from the page cache into a
 * buffer and from the buffer into the socket, and an upload receives 64 KiB chunks, each one a
 * callback and an allocation. vsftpd and pyftpdlib send with sendfile, which is why they moved
 * 1 GiB with half of Ferry's CPU time (see bench/). This addon runs one transfer in a thread of
 * its own, the way vsftpd runs one in a process of its own:
 *   send:    sendfile(socket, file) from an offset to the end of the file (no copy in user space), or
 *            pread + send(2) through a buffer (see run_send_copy);
 *   receive: splice(socket -> pipe -> file) at an offset until the peer's EOF (one copy, in the kernel),
 *            or read(socket) into a 1 MiB buffer and pwrite(file) where a splice is refused.
 * The thread works on dup()s of both descriptors, so whatever JavaScript does with its own
 * descriptors (close, destroy) can never make the thread touch a reused descriptor number.
 * It waits for the socket with poll(), together with an eventfd that cancel() signals, so an
 * ABOR stops it at once; it ends the transfer itself when nothing moves for idle_ms.
 * When it is done it closes its descriptors, then reports through a thread-safe function.
 *
 * JavaScript API (see src/core/native/native-io.ts):
 *   send(socketFd, fileFd, offset, idleMs, done[, copyBytes]) -> handle  (copyBytes > 0: pread + send through
 *                                                                       a buffer that size instead of sendfile)
 *   receive(socketFd, fileFd, offset, idleMs, done) -> handle
 *   bytes(handle) -> bytes moved so far        cancel(handle)
 *   peerClosed(socketFd) -> true when the peer has closed and sent nothing (a non-consuming peek)
 *   openCached(path, flags[, noSymlinks]) -> fd, or -1 unless the kernel can open it without I/O (and without a symlink)
 *   readCached(fd, buffer, length, position) -> bytes, or -1 unless the page cache holds them
 *   done(outcome, errnoName, bytes, call) with outcome "ok" | "error" | "cancelled" | "idle"; for an error,
 *   errnoName is the code (EPIPE, ENOSPC, ...) and call the failing one: "sendfile", "send" or "pread" (file)
 *   for a send, "read" or "write" (file) for a receive.
 * Passive listeners and immediate writes are in ferry_listen.c, opens confined to the root in ferry_beneath.c.
 */
#define _GNU_SOURCE
#include "ferry_io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/*
 * glibc 2.34 moved the pthread functions into libc under a new symbol version; a build on a newer
 * system would then refuse to load on glibc 2.28 (VS Code's remote servers still support it).
 * Bind the two that changed to their original versions, which every glibc since keeps.
 */
#if defined(__GLIBC__) && defined(__x86_64__)
__asm__(".symver pthread_create,pthread_create@GLIBC_2.2.5");
__asm__(".symver pthread_attr_setstacksize,pthread_attr_setstacksize@GLIBC_2.2.5");
#elif defined(__GLIBC__) && defined(__aarch64__)
__asm__(".symver pthread_create,pthread_create@GLIBC_2.17");
__asm__(".symver pthread_attr_setstacksize,pthread_attr_setstacksize@GLIBC_2.17");
#endif

/* Largest sendfile() call: the kernel moves what the socket buffer takes and returns. */
#define SEND_CHUNK (16 << 20)
/* Receive buffer: one read() takes everything the socket holds, up to this. */
#define RECEIVE_BUFFER (1 << 20)
/* poll() wakes at least this often to check the idle limit. */
#define POLL_SLICE_MS 1000

enum outcome { OUTCOME_OK, OUTCOME_ERROR, OUTCOME_CANCELLED, OUTCOME_IDLE };
static const char *const OUTCOME_NAMES[] = {"ok", "error", "cancelled", "idle"};

typedef struct transfer {
  int sock;
  int file;
  int wake;
  int receiving;
  int64_t offset;
  int64_t idle_ms;
  _Atomic int64_t bytes;
  _Atomic int cancelled;
  /* Two owners: the thread and the JavaScript handle. The last one to let go frees it. */
  _Atomic int refs;
  enum outcome outcome;
  int error;
  /* The failing call was on the file (pwrite, or pread when sending by copy), not on the socket. */
  int file_failed;
  /* Sending by copy (pread + send) through a buffer of this size; 0: sendfile. */
  size_t copy_size;
  napi_threadsafe_function done;
} transfer_t;

static void release(transfer_t *t) {
  if (atomic_fetch_sub(&t->refs, 1) == 1) free(t);
}

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until the socket is ready for `events`, the transfer is cancelled, or the idle limit
 * passes since `last_progress`. Returns OUTCOME_OK when the socket is ready (or reports an
 * error, which the next read/sendfile will name), else why the transfer must stop.
 */
static enum outcome wait_socket(transfer_t *t, short events, int64_t last_progress) {
  for (;;) {
    if (atomic_load(&t->cancelled)) return OUTCOME_CANCELLED;
    int timeout = POLL_SLICE_MS;
    if (t->idle_ms > 0) {
      int64_t left = last_progress + t->idle_ms - now_ms();
      if (left <= 0) return OUTCOME_IDLE;
      if (left < timeout) timeout = (int)left;
    }
    struct pollfd fds[2] = {{.fd = t->sock, .events = events}, {.fd = t->wake, .events = POLLIN}};
    int n = poll(fds, 2, timeout);
    if (n < 0 && errno != EINTR) {
      t->error = errno;
      return OUTCOME_ERROR;
    }
    if (n > 0 && fds[1].revents) return OUTCOME_CANCELLED;
    if (n > 0 && fds[0].revents) return OUTCOME_OK;
  }
}

static enum outcome run_send(transfer_t *t) {
  off_t offset = (off_t)t->offset;
  int64_t last_progress = now_ms();
  for (;;) {
    if (atomic_load(&t->cancelled)) return OUTCOME_CANCELLED;
    ssize_t n = sendfile(t->sock, t->file, &offset, SEND_CHUNK);
    if (n > 0) {
      atomic_fetch_add(&t->bytes, n);
      last_progress = now_ms();
      continue;
    }
    if (n == 0) return OUTCOME_OK; /* end of file */
    if (errno == EINTR) continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      t->error = errno;
      return OUTCOME_ERROR;
    }
    enum outcome waited = wait_socket(t, POLLOUT, last_progress);
    if (waited != OUTCOME_OK) return waited;
  }
}

/*
 * Sends by copy, as curl does: pread into a buffer, send(2) from it. The client's uploads use it:
 * on loopback the receiving server copies what sendfile() queued out of 4 KiB page-cache pages
 * one by one, and vsftpd received a sendfile() upload about a fifth slower than curl's. The
 * server's downloads keep sendfile, which is what vsftpd and pyftpdlib send with too.
 */
static enum outcome run_send_copy(transfer_t *t) {
  char *buffer = malloc(t->copy_size);
  if (!buffer) {
    t->error = ENOMEM;
    return OUTCOME_ERROR;
  }
  off_t offset = (off_t)t->offset;
  size_t have = 0, sent = 0;
  int64_t last_progress = now_ms();
  enum outcome result;
  for (;;) {
    if (atomic_load(&t->cancelled)) {
      result = OUTCOME_CANCELLED;
      break;
    }
    if (sent == have) {
      ssize_t r = pread(t->file, buffer, t->copy_size, offset);
      if (r == 0) {
        result = OUTCOME_OK; /* end of file */
        break;
      }
      if (r < 0) {
        if (errno == EINTR) continue;
        t->error = errno;
        t->file_failed = 1;
        result = OUTCOME_ERROR;
        break;
      }
      have = (size_t)r;
      sent = 0;
    }
    ssize_t n = send(t->sock, buffer + sent, have - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += (size_t)n;
      offset += n;
      atomic_fetch_add(&t->bytes, n);
      last_progress = now_ms();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      t->error = errno;
      result = OUTCOME_ERROR;
      break;
    }
    result = wait_socket(t, POLLOUT, last_progress);
    if (result != OUTCOME_OK) break;
  }
  free(buffer);
  return result;
}

/* Writes `n` bytes of `buffer` at *offset, counting them; -1 with t->error set when the file fails. */
static int write_all(transfer_t *t, const char *buffer, size_t n, off_t *offset) {
  for (size_t done = 0; done < n;) {
    ssize_t w = pwrite(t->file, buffer + done, n - done, *offset);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      t->error = w < 0 ? errno : EIO;
      t->file_failed = 1;
      return -1;
    }
    done += (size_t)w;
    *offset += w;
    atomic_fetch_add(&t->bytes, w);
  }
  return 0;
}

/*
 * The two ways of moving what the socket holds into the file. Each returns the bytes now in
 * the file, 0 at the peer's end of stream, or -1 (errno, or t->error for the file side).
 * Everything taken from the socket is in the file before it returns: what arrived is on disk.
 */
typedef struct receiver {
  char *buffer;
  int pipe[2]; /* splice: socket -> pipe -> file, no copy through user space */
  int splicing;
} receiver_t;

static ssize_t receive_by_copy(transfer_t *t, receiver_t *r, off_t *offset) {
  ssize_t n = read(t->sock, r->buffer, RECEIVE_BUFFER);
  if (n > 0 && write_all(t, r->buffer, (size_t)n, offset) < 0) return -1;
  return n;
}

static ssize_t receive_by_splice(transfer_t *t, receiver_t *r, off_t *offset) {
  ssize_t n = splice(t->sock, NULL, r->pipe[1], NULL, RECEIVE_BUFFER, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n <= 0) return n;
  for (ssize_t done = 0; done < n;) {
    ssize_t w = splice(r->pipe[0], NULL, t->file, offset, (size_t)(n - done), SPLICE_F_MOVE);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EINVAL) {
      /* This file system cannot take a splice: copy what waits in the pipe, and copy from now on. */
      r->splicing = 0;
      for (ssize_t left = n - done; left > 0;) {
        ssize_t got = read(r->pipe[0], r->buffer, (size_t)left);
        if (got <= 0) {
          t->error = got < 0 ? errno : EIO;
          return -1;
        }
        if (write_all(t, r->buffer, (size_t)got, offset) < 0) return -1;
        left -= got;
      }
      return n;
    }
    if (w <= 0) {
      t->error = w < 0 ? errno : EIO;
      t->file_failed = 1;
      return -1;
    }
    done += w; /* splice advanced *offset */
    atomic_fetch_add(&t->bytes, w);
  }
  return n;
}

static enum outcome run_receive(transfer_t *t) {
  receiver_t r = {.buffer = malloc(RECEIVE_BUFFER), .pipe = {-1, -1}};
  if (!r.buffer) {
    t->error = ENOMEM;
    return OUTCOME_ERROR;
  }
  if (pipe2(r.pipe, O_CLOEXEC) == 0) {
    r.splicing = 1;
    /* A pipe holds 64 KiB by default: a larger one takes a whole socket buffer per call. */
    (void)fcntl(r.pipe[1], F_SETPIPE_SZ, RECEIVE_BUFFER);
  }
  off_t offset = (off_t)t->offset;
  int64_t last_progress = now_ms();
  enum outcome result = OUTCOME_OK;
  for (;;) {
    if (atomic_load(&t->cancelled)) {
      result = OUTCOME_CANCELLED;
      break;
    }
    ssize_t n = r.splicing ? receive_by_splice(t, &r, &offset) : receive_by_copy(t, &r, &offset);
    if (n > 0) {
      last_progress = now_ms();
      continue;
    }
    if (n == 0) break; /* the peer closed its side: the upload is complete */
    if (t->file_failed || t->error) {
      result = OUTCOME_ERROR;
      break;
    }
    if (errno == EINTR) continue;
    if (errno == EINVAL && r.splicing) {
      r.splicing = 0; /* this socket cannot be spliced: nothing was taken from it */
      continue;
    }
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      t->error = errno;
      result = OUTCOME_ERROR;
      break;
    }
    result = wait_socket(t, POLLIN, last_progress);
    if (result != OUTCOME_OK) break;
  }
  if (r.pipe[0] >= 0) close(r.pipe[0]);
  if (r.pipe[1] >= 0) close(r.pipe[1]);
  free(r.buffer);
  return result;
}

static void *thread_main(void *arg) {
  transfer_t *t = arg;
  t->outcome = t->receiving ? run_receive(t) : t->copy_size ? run_send_copy(t) : run_send(t);
  /* Close before reporting: once JavaScript hears "done", this thread holds no descriptor of the
   * transfer open. The eventfd is closed by call_done, on the JavaScript thread, where cancel()
   * runs too: cancel() can then never write to a closed (and perhaps reused) descriptor. */
  close(t->sock);
  close(t->file);
  napi_call_threadsafe_function(t->done, t, napi_tsfn_blocking);
  napi_release_threadsafe_function(t->done, napi_tsfn_release);
  return NULL;
}

/* Runs on the JavaScript thread: done(outcome, errnoName | undefined, bytes, failedCall | undefined). */
static void call_done(napi_env env, napi_value js_callback, void *context, void *data) {
  (void)context;
  transfer_t *t = data;
  close(t->wake);
  t->wake = -1;
  if (env != NULL && js_callback != NULL) {
    napi_value argv[4], undefined;
    napi_get_undefined(env, &undefined);
    napi_create_string_utf8(env, OUTCOME_NAMES[t->outcome], NAPI_AUTO_LENGTH, &argv[0]);
    if (t->outcome == OUTCOME_ERROR) {
      /* The errno name (EPIPE, ENOSPC, ...), as Node's own errors carry it in `code`. */
      const char *name = errno_name(t->error);
      napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &argv[1]);
      const char *call = t->receiving ? (t->file_failed ? "write" : "read") : t->copy_size ? (t->file_failed ? "pread" : "send") : "sendfile";
      napi_create_string_utf8(env, call, NAPI_AUTO_LENGTH, &argv[3]);
    } else {
      argv[1] = undefined;
      argv[3] = undefined;
    }
    napi_create_double(env, (double)atomic_load(&t->bytes), &argv[2]);
    napi_call_function(env, undefined, js_callback, 4, argv, NULL);
  }
  release(t);
}

static void finalize_handle(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  release(data);
}

#define ERRNO_NAME(e) {e, #e}
/*
 * errno names for Node-style `code`s. strerrorname_np would do, but only from glibc 2.32 on; these
 * are the errors file, socket and openat2 calls can give here.
 */
static const struct {
  int code;
  const char *name;
} ERRNO_NAMES[] = {
    ERRNO_NAME(EPERM),        ERRNO_NAME(ENOENT),       ERRNO_NAME(EINTR),      ERRNO_NAME(EIO),          ERRNO_NAME(ENXIO),
    ERRNO_NAME(EBADF),        ERRNO_NAME(EAGAIN),       ERRNO_NAME(ENOMEM),     ERRNO_NAME(EACCES),       ERRNO_NAME(EFAULT),
    ERRNO_NAME(EBUSY),        ERRNO_NAME(EEXIST),       ERRNO_NAME(EXDEV),      ERRNO_NAME(ENODEV),       ERRNO_NAME(ENOTDIR),
    ERRNO_NAME(EISDIR),       ERRNO_NAME(EINVAL),       ERRNO_NAME(ENFILE),     ERRNO_NAME(EMFILE),       ERRNO_NAME(ETXTBSY),
    ERRNO_NAME(EFBIG),        ERRNO_NAME(ENOSPC),       ERRNO_NAME(ESPIPE),     ERRNO_NAME(EROFS),        ERRNO_NAME(EMLINK),
    ERRNO_NAME(EPIPE),        ERRNO_NAME(ERANGE),       ERRNO_NAME(ENAMETOOLONG), ERRNO_NAME(ENOSYS),     ERRNO_NAME(ENOTEMPTY),
    ERRNO_NAME(ELOOP),        ERRNO_NAME(EOVERFLOW),    ERRNO_NAME(ENOTSOCK),   ERRNO_NAME(EMSGSIZE),     ERRNO_NAME(EPROTO),
    ERRNO_NAME(EOPNOTSUPP),   ERRNO_NAME(EAFNOSUPPORT), ERRNO_NAME(EADDRINUSE), ERRNO_NAME(EADDRNOTAVAIL), ERRNO_NAME(ENETDOWN),
    ERRNO_NAME(ENETUNREACH),  ERRNO_NAME(ECONNABORTED), ERRNO_NAME(ECONNRESET), ERRNO_NAME(ENOBUFS),      ERRNO_NAME(EISCONN),
    ERRNO_NAME(ENOTCONN),     ERRNO_NAME(ESHUTDOWN),    ERRNO_NAME(ETIMEDOUT),  ERRNO_NAME(ECONNREFUSED), ERRNO_NAME(EHOSTUNREACH),
    ERRNO_NAME(EALREADY),     ERRNO_NAME(EINPROGRESS),  ERRNO_NAME(EDQUOT),     ERRNO_NAME(ECANCELED),
};

const char *errno_name(int error) {
  for (size_t i = 0; i < sizeof ERRNO_NAMES / sizeof ERRNO_NAMES[0]; i++)
    if (ERRNO_NAMES[i].code == error) return ERRNO_NAMES[i].name;
  return NULL;
}

napi_value throw_errno(napi_env env, const char *what, int error) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(error));
  const char *name = errno_name(error);
  napi_throw_error(env, name ? name : "EIO", message);
  return NULL;
}

int fd_arg(napi_env env, napi_value value, int32_t *fd) {
  return napi_get_value_int32(env, value, fd) == napi_ok && *fd >= 0;
}

int socket_fd_arg(napi_env env, napi_callback_info info, int32_t *fd) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1 && fd_arg(env, argv[0], fd)) return 1;
  napi_throw_type_error(env, NULL, "expected a socket descriptor");
  return 0;
}

napi_value int64_value(napi_env env, int64_t value) {
  napi_value result;
  napi_create_int64(env, value, &result);
  return result;
}

static napi_value start(napi_env env, napi_callback_info info, int receiving) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t sock_fd, file_fd;
  int64_t offset, idle_ms, copy_size = 0;
  napi_valuetype callback_type = napi_undefined;
  if (argc >= 5) napi_typeof(env, argv[4], &callback_type);
  if (argc < 5 || !fd_arg(env, argv[0], &sock_fd) || !fd_arg(env, argv[1], &file_fd) ||
      napi_get_value_int64(env, argv[2], &offset) != napi_ok || napi_get_value_int64(env, argv[3], &idle_ms) != napi_ok ||
      callback_type != napi_function || offset < 0 ||
      (argc > 5 && !receiving && (napi_get_value_int64(env, argv[5], &copy_size) != napi_ok || copy_size < 0 || copy_size > SEND_CHUNK))) {
    napi_throw_type_error(env, NULL, receiving ? "expected (socketFd, fileFd, offset, idleMs, done)" : "expected (socketFd, fileFd, offset, idleMs, done[, copyBytes])");
    return NULL;
  }

  transfer_t *t = calloc(1, sizeof *t);
  if (!t) return throw_errno(env, "ferry_io", ENOMEM);
  t->receiving = receiving;
  t->copy_size = (size_t)copy_size;
  t->offset = offset;
  t->idle_ms = idle_ms;
  t->sock = fcntl(sock_fd, F_DUPFD_CLOEXEC, 0);
  t->file = fcntl(file_fd, F_DUPFD_CLOEXEC, 0);
  t->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (t->sock < 0 || t->file < 0 || t->wake < 0) {
    int error = errno;
    if (t->sock >= 0) close(t->sock);
    if (t->file >= 0) close(t->file);
    if (t->wake >= 0) close(t->wake);
    free(t);
    return throw_errno(env, "ferry_io: dup", error);
  }

  napi_value name, handle;
  napi_create_string_utf8(env, receiving ? "ferry_io.receive" : "ferry_io.send", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, argv[4], NULL, name, 0, 1, NULL, NULL, NULL, call_done, &t->done) != napi_ok) {
    close(t->sock);
    close(t->file);
    close(t->wake);
    free(t);
    napi_throw_error(env, NULL, "ferry_io: cannot create the completion callback");
    return NULL;
  }
  atomic_store(&t->refs, 2);
  napi_create_external(env, t, finalize_handle, NULL, &handle);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  pthread_t thread;
  int error = pthread_create(&thread, &attr, thread_main, t);
  pthread_attr_destroy(&attr);
  if (error != 0) {
    close(t->sock);
    close(t->file);
    close(t->wake);
    t->wake = -1;
    napi_release_threadsafe_function(t->done, napi_tsfn_abort);
    release(t); /* the thread's reference; the handle's goes with the external */
    return throw_errno(env, "ferry_io: thread", error);
  }
  return handle;
}

static napi_value send_file(napi_env env, napi_callback_info info) { return start(env, info, 0); }
static napi_value receive_file(napi_env env, napi_callback_info info) { return start(env, info, 1); }

static transfer_t *handle_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype type = napi_undefined;
  if (argc == 1) napi_typeof(env, argv[0], &type);
  if (type != napi_external || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a transfer handle");
    return NULL;
  }
  return data;
}

static napi_value bytes(napi_env env, napi_callback_info info) {
  transfer_t *t = handle_arg(env, info);
  if (!t) return NULL;
  napi_value result;
  napi_create_double(env, (double)atomic_load(&t->bytes), &result);
  return result;
}

static napi_value cancel(napi_env env, napi_callback_info info) {
  transfer_t *t = handle_arg(env, info);
  if (!t) return NULL;
  /* `wake` is -1 once call_done has run (same thread as this): the transfer is over. */
  if (!atomic_exchange(&t->cancelled, 1) && t->wake >= 0) {
    uint64_t one = 1;
    ssize_t ignored = write(t->wake, &one, sizeof one);
    (void)ignored;
  }
  return NULL;
}

static napi_value peer_closed(napi_env env, napi_callback_info info) {
  int32_t fd = -1;
  if (!socket_fd_arg(env, info, &fd)) return NULL;
  char byte;
  ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  int closed = n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
  napi_value result;
  napi_get_boolean(env, closed, &result);
  return result;
}

/*
 * The event loop's own file calls. A SIZE or RETR opens its file, and a small download is one
 * read; sending each of them to libuv's thread pool costs two thread wake-ups, while the kernel
 * usually answers from memory in microseconds. These two do the call on the calling thread only
 * when the kernel promises not to wait for a disk, and return -1 otherwise (or on any error):
 * the caller then makes the same call in the thread pool, which also reports the real error.
 */

/* openCached(path, flags, noSymlinks): openat2(RESOLVE_CACHED), Linux 5.12+: fails with EAGAIN
 * rather than revalidating a dentry or reading a directory from disk. With noSymlinks it also
 * fails (ELOOP) when any component of the path is a symlink (RESOLVE_NO_SYMLINKS): the path
 * opened is then exactly the one given. */
static napi_value open_cached(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char file[4096];
  size_t length = 0;
  int32_t flags = 0;
  bool no_symlinks = false;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], file, sizeof file, &length) != napi_ok ||
      napi_get_value_int32(env, argv[1], &flags) != napi_ok || (argc > 2 && napi_get_value_bool(env, argv[2], &no_symlinks) != napi_ok)) {
    napi_throw_type_error(env, NULL, "expected a path, open flags and optionally a boolean");
    return NULL;
  }
  long fd = -1;
  /* A path that filled the buffer may have been cut short, and a NUL would cut it: pool. */
  if (length < sizeof file - 1 && strlen(file) == length) {
    struct open_how how = {.flags = (uint64_t)(uint32_t)flags | O_CLOEXEC, .resolve = RESOLVE_CACHED | (no_symlinks ? RESOLVE_NO_SYMLINKS : 0)};
    fd = syscall(SYS_openat2, AT_FDCWD, file, &how, sizeof how);
  }
  return int64_value(env, fd < 0 ? -1 : fd);
}

/* readCached(fd, buffer, length, position): preadv2(RWF_NOWAIT) reads only what the page cache
 * holds. tmpfs and ramfs refuse the flag (EOPNOTSUPP) but live in memory: a plain pread there. */
static napi_value read_cached(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t fd = -1;
  int64_t length = 0, position = 0;
  void *data = NULL;
  size_t capacity = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 4 || !fd_arg(env, argv[0], &fd) ||
      napi_get_buffer_info(env, argv[1], &data, &capacity) != napi_ok ||
      napi_get_value_int64(env, argv[2], &length) != napi_ok || length < 0 || (uint64_t)length > capacity ||
      napi_get_value_int64(env, argv[3], &position) != napi_ok || position < 0) {
    napi_throw_type_error(env, NULL, "expected a descriptor, a buffer, a length within it and a position");
    return NULL;
  }
  struct iovec iov = {.iov_base = data, .iov_len = (size_t)length};
  ssize_t n = preadv2(fd, &iov, 1, position, RWF_NOWAIT);
  if (n < 0 && errno == EOPNOTSUPP) {
    struct statfs fs;
    if (fstatfs(fd, &fs) == 0 && (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC)) n = pread(fd, data, (size_t)length, position);
  }
  return int64_value(env, n < 0 ? -1 : n);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"send", NULL, send_file, NULL, NULL, NULL, napi_default, NULL},
      {"receive", NULL, receive_file, NULL, NULL, NULL, napi_default, NULL},
      {"bytes", NULL, bytes, NULL, NULL, NULL, napi_default, NULL},
      {"cancel", NULL, cancel, NULL, NULL, NULL, napi_default, NULL},
      {"peerClosed", NULL, peer_closed, NULL, NULL, NULL, napi_default, NULL},
      {"openCached", NULL, open_cached, NULL, NULL, NULL, napi_default, NULL},
      {"readCached", NULL, read_cached, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
  register_listen(env, exports);
  register_beneath(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
