/**
 * A subject server on a socket (`--adapter socket:ADDRESS` connects to it): every connection is
 * one xvc-subject/1 session with a fresh subject from the factory, so a harness that drops a
 * connection after a failure gets a clean machine on the next one.
 *
 * Models no hardware; the subjects do.
 */

import { createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import type { Subject } from '../../adapter.ts';
import { serveSubject } from './serve.ts';
import { formatSocketAddress, parseSocketAddress, type SocketAddress } from './socket-transport.ts';

export interface SubjectServer {
  /** Where it listens, in the form `--adapter socket:` takes (the real port when 0 was asked for). */
  readonly address: string;
  /** Stops listening and drops open sessions. */
  close(): Promise<void>;
}

/** Listens at `HOST:PORT` (port 0 picks a free one) or a Unix socket path. */
export async function listenForSubjects(createSubject: () => Subject | Promise<Subject>, address: string): Promise<SubjectServer> {
  const wanted: SocketAddress = parseSocketAddress(address, { anyPort: true });
  const sessions = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sessions.add(socket);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sessions.delete(socket));
    void (async () => {
      const subject = await createSubject();
      await serveSubject(subject, { input: socket, output: socket });
      socket.end();
    })().catch(() => socket.destroy());
  });
  if ('path' in wanted) rmSync(wanted.path, { force: true }); // a stale socket file from an earlier server
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen('path' in wanted ? wanted.path : { host: wanted.host, port: wanted.port }, () => resolve());
  });
  const bound = server.address();
  const actual = 'path' in wanted || bound === null || typeof bound === 'string' ? wanted : { host: wanted.host, port: bound.port };
  return {
    address: formatSocketAddress(actual),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sessions) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
