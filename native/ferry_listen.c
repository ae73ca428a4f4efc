/*
 * ferry_listen: passive data listeners and their accepted connections as bare descriptors.
 *
 * Every PASV/EPSV opens a listener for exactly one connection, and for a small download that
 * connection carries one write. In Node each of them is a net.Server and a net.Socket: handle
 * wraps, stream state, event listeners and timers, built and torn down per file. For 200
 * downloads of 64 KiB (bench/) that machinery cost more CPU than the transfers themselves.
 * Here a listener is a socket watched by a uv_poll on the event loop's own thread, and an
 * accepted connection is handed to JavaScript as a descriptor: a small file is written to it
 * at once (writeNow), and anything else wraps it in a net.Socket then
 * (src/core/server/data-channel.ts).
 *
 * JavaScript API (see src/core/native/native-io.ts):
 *   listen(host, port, backlog) -> { fd, port }   a non-blocking listening TCP socket (throws with the errno code)
 *   watchAccept(fd, onConnection) -> watcher       onConnection(connFd, peerAddress) per accepted connection,
 *                                                  onConnection(-1, errnoName) when accepting fails for good
 *   unwatchAccept(watcher)                         stops watching and closes the listening socket
 *   writeNow(fd, buffer, length) -> bytes written, or -1 when the socket buffer is full (throws on EPIPE, ...)
 *   oobInline(fd) -> true when urgent data now arrives in the normal stream (SO_OOBINLINE)
 */
#define _GNU_SOURCE
#include "ferry_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

typedef struct {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback;
  napi_async_context context;
  int fd;
} watcher_t;

/* What JavaScript holds: the watcher until unwatchAccept (or garbage collection) stops it. */
typedef struct {
  watcher_t *watcher;
} watcher_box_t;

static napi_value listen_socket(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char host[64];
  size_t length = 0;
  int32_t port = -1, backlog = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], host, sizeof host, &length) != napi_ok ||
      napi_get_value_int32(env, argv[1], &port) != napi_ok || port < 0 || port > 65535 ||
      napi_get_value_int32(env, argv[2], &backlog) != napi_ok || backlog < 1) {
    napi_throw_type_error(env, NULL, "expected a host address, a port and a backlog");
    return NULL;
  }
  struct sockaddr_storage address;
  socklen_t address_length;
  memset(&address, 0, sizeof address);
  struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((uint16_t)port);
    address_length = sizeof *v4;
  } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((uint16_t)port);
    address_length = sizeof *v6;
  } else {
    napi_throw_type_error(env, NULL, "expected a numeric IPv4 or IPv6 address");
    return NULL;
  }
  int fd = socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  /* As libuv does for every listener: an explicit port may be one that connections of an
   * earlier transfer still hold in TIME-WAIT (see passivePorts in data-channel.ts). */
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(fd, (struct sockaddr *)&address, address_length) < 0 || listen(fd, backlog) < 0 ||
      getsockname(fd, (struct sockaddr *)&address, &address_length) < 0) {
    int error = errno;
    close(fd);
    return throw_errno(env, "listen", error);
  }
  napi_value result, fd_value, port_value;
  napi_create_object(env, &result);
  napi_create_int32(env, fd, &fd_value);
  napi_create_int32(env, ntohs(address.ss_family == AF_INET ? v4->sin_port : v6->sin6_port), &port_value);
  napi_set_named_property(env, result, "fd", fd_value);
  napi_set_named_property(env, result, "port", port_value);
  return result;
}

static void free_watcher(uv_handle_t *handle) { free(handle->data); }

/* Stops a watcher for good: from unwatchAccept, or from the finalizer of a handle JavaScript dropped. */
static void stop_watcher(watcher_box_t *box) {
  watcher_t *w = box->watcher;
  if (!w) return;
  box->watcher = NULL;
  uv_poll_stop(&w->poll);
  close(w->fd);
  napi_delete_reference(w->env, w->callback);
  napi_async_destroy(w->env, w->context);
  /* libuv may still hold the poll handle until its close callback: free only then. */
  uv_close((uv_handle_t *)&w->poll, free_watcher);
}

static void finalize_box(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  stop_watcher(data);
  free(data);
}

/* Calls onConnection(first, second) the way an async callback must run (microtasks after it). */
static void report(watcher_t *w, napi_value first, napi_value second) {
  napi_value callback, receiver, argv[2] = {first, second};
  napi_get_reference_value(w->env, w->callback, &callback);
  /* napi_make_callback wants an object for `this`. */
  napi_get_global(w->env, &receiver);
  napi_make_callback(w->env, w->context, receiver, callback, 2, argv, NULL);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  (void)events;
  watcher_t *w = poll->data;
  napi_handle_scope scope;
  napi_open_handle_scope(w->env, &scope);
  /* The box may stop the watcher from inside onConnection: check the poll is still active. */
  while (uv_is_active((uv_handle_t *)poll)) {
    struct sockaddr_storage peer;
    socklen_t peer_length = sizeof peer;
    int conn = status < 0 ? -1 : accept4(w->fd, (struct sockaddr *)&peer, &peer_length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (conn < 0) {
      int error = status < 0 ? -status : errno;
      /* Nothing more to accept now, or a connection that was reset while queued. */
      if (error == EAGAIN || error == EWOULDBLOCK || error == EINTR || error == ECONNABORTED) break;
      napi_value minus_one, name;
      napi_create_int32(w->env, -1, &minus_one);
      const char *code = errno_name(error);
      napi_create_string_utf8(w->env, code ? code : "EIO", NAPI_AUTO_LENGTH, &name);
      report(w, minus_one, name);
      break;
    }
    char text[INET6_ADDRSTRLEN] = "";
    if (peer.ss_family == AF_INET) inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, text, sizeof text);
    else if (peer.ss_family == AF_INET6) inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, text, sizeof text);
    napi_value fd_value, address;
    napi_create_int32(w->env, conn, &fd_value);
    napi_create_string_utf8(w->env, text, NAPI_AUTO_LENGTH, &address);
    report(w, fd_value, address);
  }
  napi_close_handle_scope(w->env, scope);
}

static napi_value watch_accept(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1;
  napi_valuetype type = napi_undefined;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc == 2) napi_typeof(env, argv[1], &type);
  if (argc < 2 || !fd_arg(env, argv[0], &fd) || type != napi_function) {
    napi_throw_type_error(env, NULL, "expected a listening descriptor and a callback");
    return NULL;
  }
  uv_loop_t *loop;
  watcher_box_t *box = malloc(sizeof *box);
  watcher_t *w = calloc(1, sizeof *w);
  if (!box || !w || napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, &w->poll, fd) != 0) {
    free(box);
    free(w);
    return throw_errno(env, "watchAccept", ENOMEM);
  }
  w->env = env;
  w->fd = fd;
  w->poll.data = w;
  box->watcher = w;
  napi_value name, handle;
  napi_create_string_utf8(env, "ferry_io.accept", NAPI_AUTO_LENGTH, &name);
  napi_create_reference(env, argv[1], 1, &w->callback);
  napi_async_init(env, NULL, name, &w->context);
  uv_poll_start(&w->poll, UV_READABLE, on_readable);
  napi_create_external(env, box, finalize_box, NULL, &handle);
  return handle;
}

static napi_value unwatch_accept(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  void *data = NULL;
  napi_valuetype type = napi_undefined;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc == 1) napi_typeof(env, argv[0], &type);
  if (type != napi_external || napi_get_value_external(env, argv[0], &data) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a watcher");
    return NULL;
  }
  stop_watcher(data);
  return NULL;
}

static napi_value write_now(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  int32_t fd = -1;
  int64_t length = 0;
  void *data = NULL;
  size_t capacity = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3 || !fd_arg(env, argv[0], &fd) || napi_get_buffer_info(env, argv[1], &data, &capacity) != napi_ok ||
      napi_get_value_int64(env, argv[2], &length) != napi_ok || length < 0 || (uint64_t)length > capacity) {
    napi_throw_type_error(env, NULL, "expected a descriptor, a buffer and a length within it");
    return NULL;
  }
  ssize_t n;
  do n = send(fd, data, (size_t)length, MSG_DONTWAIT | MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return throw_errno(env, "write", errno);
  return int64_value(env, n < 0 ? -1 : n);
}

/*
 * Clients send ABOR (and STAT) as TCP urgent data (RFC 959 §4.1.3; Python's ftplib sends the whole
 * "ABOR\r\n" with MSG_OOB). Without SO_OOBINLINE the kernel keeps the urgent byte, the LF, out of
 * the stream and a line reader never sees the end of the command.
 */
static napi_value oob_inline(napi_env env, napi_callback_info info) {
  int32_t fd = -1;
  if (!socket_fd_arg(env, info, &fd)) return NULL;
  int on = 1;
  napi_value result;
  napi_get_boolean(env, setsockopt(fd, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on) == 0, &result);
  return result;
}

void register_listen(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"listen", NULL, listen_socket, NULL, NULL, NULL, napi_default, NULL},
      {"watchAccept", NULL, watch_accept, NULL, NULL, NULL, napi_default, NULL},
      {"unwatchAccept", NULL, unwatch_accept, NULL, NULL, NULL, napi_default, NULL},
      {"writeNow", NULL, write_now, NULL, NULL, NULL, napi_default, NULL},
      {"oobInline", NULL, oob_inline, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof properties / sizeof properties[0], properties);
}
