/**
 * The socket transport of xvc-subject/1: the subject is a server already running (on another
 * machine, in a debugger, in a container) and each connection is one subject session, hello
 * first, then the same lines as over stdio. Addresses are `HOST:PORT` (TCP; IPv6 as
 * `[::1]:PORT`) or a Unix socket path (anything with a `/`).
 *
 * Killing a socket subject means dropping the connection; the server decides what becomes of
 * the machine behind it.
 *
 * Models no hardware.
 */

import { connect, type Socket } from 'node:net';
import { SubjectError } from '../../suite/run-instance.ts';
import { splitLines, type Transport, type TransportHandlers, type TransportOpener } from './transport.ts';

export type SocketAddress = { path: string } | { host: string; port: number };

/**
 * Parses `HOST:PORT`, `[IPv6]:PORT` or a Unix socket path; throws a one-line Error. A server
 * may ask for port 0 (any free port); a client may not.
 */
export function parseSocketAddress(address: string, options: { anyPort?: boolean } = {}): SocketAddress {
  if (address.includes('/')) return { path: address };
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  const port = match ? Number(match[3]) : NaN;
  const lowest = options.anyPort ? 0 : 1;
  if (!match || port < lowest || port > 65535) throw new Error(`socket address '${address}' is neither HOST:PORT (port ${lowest}-65535) nor a path to a Unix socket`);
  return { host: (match[1] ?? match[2])!, port };
}

export function formatSocketAddress(address: SocketAddress): string {
  if ('path' in address) return address.path;
  return address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/** How long to wait for a connection before calling the subject unreachable, in ms. */
const CONNECT_TIMEOUT_MS = 10_000;

export function socketTransport(address: SocketAddress): TransportOpener {
  const where = formatSocketAddress(address);
  return (handlers: TransportHandlers) =>
    new Promise<Transport>((resolve, reject) => {
      const peer = `subject at ${where}`;
      const socket: Socket = 'path' in address ? connect({ path: address.path }) : connect({ host: address.host, port: address.port });
      let lastError: string | undefined;
      let connected = false;

      const timer = setTimeout(() => {
        lastError = `no connection within ${CONNECT_TIMEOUT_MS} ms`;
        socket.destroy();
      }, CONNECT_TIMEOUT_MS);

      const gone = new Promise<void>((settle) => {
        socket.once('close', () => {
          clearTimeout(timer);
          if (!connected) reject(new SubjectError('subject-crash', `cannot connect to ${peer}: ${lastError ?? 'connection closed'}`));
          else handlers.onGone(lastError ? `closed the connection (${lastError})` : 'closed the connection');
          settle();
        });
      });
      socket.on('error', (error: NodeJS.ErrnoException) => {
        lastError = error.code ?? error.message;
      });
      splitLines(socket, handlers.onLine);
      socket.once('connect', () => {
        connected = true;
        clearTimeout(timer);
        resolve({
          peer,
          send(line) {
            if (socket.writable) socket.write(`${line}\n`);
          },
          end() {
            socket.end();
          },
          kill() {
            socket.destroy();
          },
          gone,
          lastLogLine: () => undefined,
        });
      });
    });
}
