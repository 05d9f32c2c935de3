import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer, Socket, type Server } from 'node:net';

/** SQLite's default page size (Remit does not change it). */
export const PAGE_SIZE = 4096;

/**
 * Overwrites whole pages of an SQLite file with random bytes, as a failing disk or a stray `dd`
 * would: pages [first, end) where the bounds are fractions of the file's page count. Page 1 (the
 * header and the schema's root) is never touched, so the file still opens as a database.
 */
export function corruptPages(file: string, fromFraction: number, toFraction: number): { pages: number } {
  const pageCount = Math.floor(statSync(file).size / PAGE_SIZE);
  const first = Math.max(1, Math.floor(pageCount * fromFraction));
  const end = Math.min(pageCount, Math.max(first + 1, Math.floor(pageCount * toFraction)));
  const fd = openSync(file, 'r+');
  try {
    for (let page = first; page < end; page++) writeSync(fd, randomBytes(PAGE_SIZE), 0, PAGE_SIZE, page * PAGE_SIZE);
  } finally {
    closeSync(fd);
  }
  return { pages: end - first };
}

/** Polls until `probe` returns a value (not undefined) or the time is up. */
export async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A TCP pass-through to PostgreSQL that the test can cut, as a failed network or a stopped server would. */
export async function cuttableProxy(target: URL): Promise<{ url: string; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(Number(target.port || 5432), target.hostname);
    client.pipe(upstream).pipe(client);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const url = new URL(target.toString());
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    async cut() {
      await new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      });
    },
  };
}
