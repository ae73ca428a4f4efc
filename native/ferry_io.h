/* Shared by the addon's source files (see ferry_io.c for the whole API). */
#ifndef FERRY_IO_H
#define FERRY_IO_H

#define NAPI_VERSION 4
#include <node_api.h>
#include <stdint.h>

/* The errno's name ("ENOSPC"), or NULL for one the addon does not expect. */
const char *errno_name(int error);
/* Throws an Error whose code is the errno name (EADDRINUSE, ...); returns NULL for the caller to return. */
napi_value throw_errno(napi_env env, const char *what, int error);
/* A descriptor argument: 1 when `value` is a non-negative int32 (stored in *fd), else 0. */
int fd_arg(napi_env env, napi_value value, int32_t *fd);
/* A call's only argument as a socket descriptor: 1 with *fd set, else 0 with a TypeError thrown. */
int socket_fd_arg(napi_env env, napi_callback_info info, int32_t *fd);
napi_value int64_value(napi_env env, int64_t value);

/* Adds listen, watchAccept, unwatchAccept, writeNow and oobInline (ferry_listen.c) to `exports`. */
void register_listen(napi_env env, napi_value exports);
/* Adds openBeneathCached and openBeneath (ferry_beneath.c) to `exports`. */
void register_beneath(napi_env env, napi_value exports);

#endif
