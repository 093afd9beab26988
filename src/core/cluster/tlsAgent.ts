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

export class ResumingAgent extends https.Agent {
  /** The newest session per connection key (host, port, TLS options: https.Agent.getName). */
  private readonly sessions = new Map<string, Buffer>();

  constructor(options: https.AgentOptions) {
    super({ ...options, maxCachedSessions: 0 });
  }

  override createConnection(options: tls.ConnectionOptions & https.RequestOptions): Duplex {
    const key = this.getName(options);
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
