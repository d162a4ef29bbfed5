/**
 * Misbehaving Redis servers on loopback, for the fault tests of the provider limiter: `drop` accepts
 * and destroys every connection, `silent` accepts and never answers, `proxy` pipes to a real Redis
 * until `cut()` (then it drops every connection, open or new) and again after `heal()`.
 */
import net from 'node:net';

export interface FakeRedis {
  url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  cut(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function fakeRedis(mode: 'drop' | 'silent' | 'proxy', target?: string): Promise<FakeRedis> {
  const sockets = new Set<net.Socket>();
  const state = { mode, connections: 0 };
  const to = target ? new URL(target) : undefined;
  const track = (s: net.Socket) => {
    s.on('error', () => undefined);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server = net.createServer((s) => {
    state.connections++;
    track(s);
    if (state.mode === 'drop') return void s.destroy();
    if (state.mode === 'silent') return;
    const up = net.connect(Number(to!.port || 6379), to!.hostname);
    track(up);
    s.on('close', () => up.destroy());
    up.on('close', () => s.destroy());
    s.pipe(up).pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    get connections() {
      return state.connections;
    },
    cut() {
      state.mode = 'drop';
      for (const s of sockets) s.destroy();
    },
    heal() {
      state.mode = 'proxy';
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
