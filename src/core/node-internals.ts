import type { FTPContext } from 'basic-ftp';
import * as net from 'node:net';
import * as tls from 'node:tls';

/*
 * Every private member of Node.js and basic-ftp that Ferry relies on, behind one door. Each is
 * probed once: Node's when this module loads, basic-ftp's when the client's modules load (the
 * server never loads basic-ftp). One that is missing (an update renamed it) is reported once
 * with console.warn, naming the fallback that runs instead, and the accessors below take that
 * fallback from then on. Nothing else in Ferry touches these members.
 */

/** The private members, by the short name the accessors use. */
export type InternalName = 'handleFd' | 'handleReading' | 'pauseOnCreate' | 'releaseControl' | 'newSocket' | 'controlHooks';

/** One private member: what it is, what Ferry uses it for, and what runs without it. */
export interface Internal {
  readonly name: InternalName;
  /** How the member is spelled, with its owner: "Node.js net.Socket#_handle.fd". */
  readonly member: string;
  readonly fallback: string;
}

const INTERNALS: Record<InternalName, Omit<Internal, 'name'>> = {
  // Node has no public way to get a socket's descriptor; the addon (native/ferry_io.c) needs it
  // for sendfile/splice, for replies written at once and for SO_OOBINLINE (urgent ABOR).
  handleFd: {
    member: 'Node.js net.Socket#_handle.fd',
    fallback: 'every transfer takes the JavaScript data path (same bytes, more CPU), control replies go through the socket, urgent data is not inlined',
  },
  // Node keeps "is this handle reading" only here. A native upload while Node also reads the
  // socket would lose the bytes Node took, so the native receiver needs to know.
  handleReading: {
    member: 'Node.js net.Socket#_handle.reading',
    fallback: 'uploads take the JavaScript data path (Node may be reading their sockets)',
  },
  // The constructor option net.Server's pauseOnConnect passes: an accepted descriptor becomes a
  // socket that has not read anything, so an upload's first bytes stay for the native receiver.
  pauseOnCreate: {
    member: "Node.js new net.Socket({ fd, pauseOnCreate })",
    fallback: 'connections from the native passive listener are read by Node from the start, so uploads over them take the JavaScript data path',
  },
  // A hand-made server TLSSocket keeps TLS errors after its handshake to itself until this is
  // called (tls.Server calls it when the handshake ends): a forged record would just end the
  // stream and a cut upload would get 226.
  releaseControl: {
    member: 'Node.js tls.TLSSocket#_releaseControl()',
    fallback: "TLS errors after the handshake destroy the socket from Node's private '_tlsError' event instead",
  },
  // basic-ftp makes its control socket here and offers no local address option.
  newSocket: {
    member: 'basic-ftp FTPContext#_newSocket()',
    fallback: 'local_address is applied after FTPContext#reset() (the public method Client.connect calls) instead',
  },
  // control-codec.ts wraps these to put a NameCodec (GBK, Shift_JIS, ...) on the control connection.
  controlHooks: {
    member: 'basic-ftp FTPContext#send(), #_onControlSocketData(), #log()',
    fallback: "names travel in basic-ftp's own UTF-8; a site set to another name encoding fails to connect, saying why",
  },
};

/** What the probes look at: Node's and basic-ftp's own classes, or stand-ins in tests. A member whose subject is not given is not probed (and not there). */
export interface InternalsSubjects {
  Socket?: typeof net.Socket;
  tlsSocketPrototype?: object;
  ftpContextPrototype?: object;
}

type Handle = { fd?: unknown; reading?: unknown };
const handleOf = (socket: net.Socket): Handle | undefined => (socket as unknown as { _handle?: Handle | null })._handle ?? undefined;

/** True when a fresh socket's TCP handle exposes its descriptor. */
function probeHandleFd(Socket: typeof net.Socket): boolean {
  const socket = new Socket();
  try {
    // connect() makes the TCP handle at once; connect(2) waits for the next tick, and the
    // destroy() below comes first, so nothing goes out on the network.
    socket.on('error', () => undefined);
    socket.connect({ port: 9, host: '127.0.0.1' });
    return typeof handleOf(socket)?.fd === 'number';
  } finally {
    socket.destroy();
  }
}

/** A stand-in for a stream handle that records what net.Socket does to it. */
function recordingHandle() {
  return {
    reading: undefined as unknown,
    starts: 0,
    readStart() {
      this.starts++;
      return 0;
    },
    readStop: () => 0,
    close: (done?: () => void) => done && process.nextTick(done),
    getAsyncId: () => -1,
  };
}

/**
 * Builds a socket on a recording handle, as net.Server does for a connection, and tells
 * whether `check` holds for the handle right after the constructor.
 */
function probeConstructor(Socket: typeof net.Socket, pauseOnCreate: boolean, check: (handle: ReturnType<typeof recordingHandle>) => boolean): boolean {
  const handle = recordingHandle();
  const socket = new Socket({ handle, readable: true, writable: true, pauseOnCreate } as net.SocketConstructorOpts);
  try {
    return check(handle);
  } finally {
    socket.destroy();
  }
}

const hasMethod = (prototype: object, name: string) => typeof (prototype as Record<string, unknown>)[name] === 'function';

/** Each member's probe: found or not, undefined when its subject was not given. */
const PROBES: Record<InternalName, (subjects: InternalsSubjects) => boolean | undefined> = {
  handleFd: ({ Socket }) => Socket && probeHandleFd(Socket),
  // Node marks the handle when it starts reading (net.js tryReadStart)...
  handleReading: ({ Socket }) => Socket && probeConstructor(Socket, false, (h) => h.reading === true && h.starts === 1),
  // ...and pauseOnCreate keeps it from starting at all.
  pauseOnCreate: ({ Socket }) => Socket && probeConstructor(Socket, true, (h) => h.reading === false && h.starts === 0),
  releaseControl: ({ tlsSocketPrototype }) => tlsSocketPrototype && hasMethod(tlsSocketPrototype, '_releaseControl'),
  newSocket: ({ ftpContextPrototype }) => ftpContextPrototype && hasMethod(ftpContextPrototype, '_newSocket'),
  controlHooks: ({ ftpContextPrototype }) => ftpContextPrototype && ['send', '_onControlSocketData', 'log'].every((name) => hasMethod(ftpContextPrototype, name)),
};

/** The probed internals and the one way in to each: the member when it exists, else its fallback. */
export class NodeInternals {
  /** The members this Node.js and basic-ftp lack, each with the fallback that runs instead. */
  readonly missing: readonly Internal[];
  private readonly present = new Set<InternalName>();

  /** Probes each member of `subjects` now; `warn` hears once about each one that is missing. */
  constructor(
    private readonly subjects: InternalsSubjects,
    warn: (message: string) => void = console.warn,
  ) {
    const missing: Internal[] = [];
    for (const name of Object.keys(PROBES) as InternalName[]) {
      let found: boolean | undefined;
      let failure = '';
      try {
        found = PROBES[name](subjects);
      } catch (err) {
        found = false;
        failure = ` (its probe failed: ${(err as Error).message})`;
      }
      if (found) this.present.add(name);
      else if (found === false) {
        const internal = { name, ...INTERNALS[name] };
        missing.push(internal);
        warn(`Ferry: ${internal.member} was not found${failure} (Node.js ${process.version}); fallback: ${internal.fallback}.`);
      }
    }
    this.missing = missing;
  }

  /** True when the member was found. */
  has(name: InternalName): boolean {
    return this.present.has(name);
  }

  /** The socket's own descriptor (Node keeps it on the TCP handle); undefined when it has none or Node hides it. */
  socketFd(socket: net.Socket): number | undefined {
    const fd = this.has('handleFd') ? handleOf(socket)?.fd : undefined;
    return typeof fd === 'number' && fd >= 0 ? fd : undefined;
  }

  /** True when Node is reading the socket's handle (a socket never read has no mark), or when that cannot be known. */
  handleReading(socket: net.Socket): boolean {
    return !this.has('handleReading') || handleOf(socket)?.reading === true;
  }

  /** A paused socket that owns `fd`, an accepted TCP connection nobody has read from. */
  socketFromAcceptedFd(fd: number): net.Socket {
    const Socket = this.subjects.Socket ?? net.Socket;
    const options = { fd, readable: true, writable: true };
    if (this.has('pauseOnCreate')) return new Socket({ ...options, pauseOnCreate: true } as net.SocketConstructorOpts);
    // Node starts reading it: pause() at least keeps 'data' from flowing before the transfer.
    return new Socket(options).pause();
  }

  /** Makes a hand-made server TLSSocket emit 'error' for TLS errors after its handshake, as tls.Server's sockets do. */
  reportTlsErrors(socket: tls.TLSSocket): void {
    if (this.has('releaseControl')) (socket as unknown as { _releaseControl(): boolean })._releaseControl();
    // Node's own 'error' listener re-emits '_tlsError' while it holds control: destroy() (a no-op
    // the second time) ends that loop where emit('error') would not.
    else socket.on('_tlsError', (err: Error) => socket.destroy(err));
  }

  /** Calls `prepare` on each control socket basic-ftp makes for `ftp`, before it connects. */
  onNewControlSocket(ftp: FTPContext, prepare: (socket: net.Socket) => void): void {
    if (this.has('newSocket')) {
      const context = ftp as unknown as { _newSocket(): net.Socket };
      const create = context._newSocket.bind(context);
      context._newSocket = () => {
        const socket = create();
        prepare(socket);
        return socket;
      };
      return;
    }
    const reset = ftp.reset.bind(ftp);
    ftp.reset = () => {
      reset();
      prepare(ftp.socket as net.Socket);
    };
  }
}

/** The members of the Node.js running now, probed when this module loads. */
export const nodeInternals = new NodeInternals({ Socket: net.Socket, tlsSocketPrototype: tls.TLSSocket.prototype });

let basicFtp: NodeInternals | undefined;

/**
 * basic-ftp's members, probed on the first call: the client's modules make it when they load,
 * with basic-ftp's own FTPContext.prototype (this module does not load basic-ftp for the server).
 */
export function basicFtpInternals(ftpContextPrototype: object): NodeInternals {
  return (basicFtp ??= new NodeInternals({ ftpContextPrototype }));
}

/** A paused socket that owns an accepted descriptor (see NodeInternals.socketFromAcceptedFd). */
export function socketFromAcceptedFd(fd: number): net.Socket {
  return nodeInternals.socketFromAcceptedFd(fd);
}
