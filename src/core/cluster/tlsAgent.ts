// The HTTPS agent every request to one API server goes through: keep-alive for the log requests,
// one TLS context for all connections, and TLS session resumption for the connections that cannot
// be kept (each exec is a WebSocket of its own, thousands per cluster).
//
// Why not https.Agent's own session cache: Node 20's tls.connect applies a given session twice
// (once in the TLSSocket constructor, once after it), and each application decodes the session,
// peer certificate included: measured 0.4 ms of CPU apiece, a quarter of an exec's TLS cost. This
// agent connects without a session and applies the cached one once, before the handshake starts
// (tls.connect only starts it when the TCP connection is up, after this returns).
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

interface SessionSetter {
  setSession(session: Buffer): void;
}
const canSetSession = typeof (tls.TLSSocket.prototype as unknown as Partial<SessionSetter>).setSession === 'function';

/** Where a connection goes: what its TLS session is good for. */
const sessionKey = (o: https.RequestOptions) => [o.host ?? 'localhost', o.port ?? '', o.localAddress ?? '', o.family ?? '', o.servername ?? ''].join(':');

/**
 * A WebSocket upgrade (exec) takes its connection over: it gets a pool of its own, so it is never
 * handed a kept-alive connection that another client library still listens on, and its
 * connection never goes back to the pool.
 */
function isUpgrade(o: https.RequestOptions): boolean {
  const h = o.headers;
  if (!h || Array.isArray(h)) return false;
  return Object.keys(h).some((k) => k.toLowerCase() === 'upgrade');
}

export class ResumingAgent extends https.Agent {
  /** The newest session per destination (sessionKey). */
  private readonly sessions = new Map<string, Buffer>();

  constructor(options: https.AgentOptions) {
    super({ ...options, maxCachedSessions: 0 });
  }

  /**
   * The pool and session key: where the connection goes. https.Agent's own key also holds the
   * request's CA, certificate and key, which this agent's one TLS context overrides anyway; the
   * raw requests carry them and client-node's calls do not, so with that key they kept apart,
   * each pool opening its own connections with a full handshake.
   */
  override getName(options: https.RequestOptions = {}): string {
    return `${sessionKey(options)}${isUpgrade(options) ? ':upgrade' : ''}`;
  }

  override createConnection(options: tls.ConnectionOptions & https.RequestOptions): Duplex {
    const key = sessionKey(options);
    const session = this.sessions.get(key);
    // setSession is what tls.connect itself calls, undeclared in @types/node: without it, the session goes through tls.connect.
    const socket = tls.connect({ ...options, session: session && !canSetSession ? session : undefined });
    if (session && canSetSession) (socket as unknown as SessionSetter).setSession(session);
    socket.on('session', (s: Buffer) => this.sessions.set(key, s));
    // A connection that failed may have failed because of its session: the next one starts afresh.
    socket.once('close', (hadError: boolean) => {
      if (hadError) this.sessions.delete(key);
    });
    return socket;
  }
}
