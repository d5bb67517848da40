// A client of the operator control port (plain text over TCP, one answer line per command; upstream
// `Server.hs: runCPClient`), as an operator would use it with `nc 127.0.0.1 5224`. Every wait has a
// deadline.
import net from 'node:net';
import type { Socket } from 'node:net';

/** One control port session. */
export class ControlPortClient {
  /** The two greeting lines the server sends on connect. */
  greeting: string[] = [];
  readonly #lines: string[] = [];
  #waiter: (() => void) | undefined;
  #buffer = '';
  #ended = false;
  /** Resolves when the server closed the session. */
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      let nl: number;
      while ((nl = this.#buffer.indexOf('\n')) >= 0) {
        this.#lines.push(this.#buffer.slice(0, nl));
        this.#buffer = this.#buffer.slice(nl + 1);
      }
      this.#waiter?.();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.#ended = true;
        this.#waiter?.();
        resolve();
      }),
    );
  }

  /** Connects and reads the greeting. */
  static async connect(port: number, host = '127.0.0.1'): Promise<ControlPortClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(s);
      });
      s.once('error', reject);
    });
    const c = new ControlPortClient(socket);
    c.greeting = [await c.nextLine(), await c.nextLine()];
    return c;
  }

  /** The next line from the server, waiting up to `ms`. */
  async nextLine(ms = 20_000): Promise<string> {
    const end = Date.now() + ms;
    while (this.#lines.length === 0) {
      if (this.#ended) throw new Error('the control port closed the session');
      const left = end - Date.now();
      if (left <= 0) throw new Error('no answer from the control port');
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.#waiter = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
      this.#waiter = undefined;
    }
    return this.#lines.shift() as string;
  }

  /** Sends one command line and returns the answer line. */
  async command(line: string, ms?: number): Promise<string> {
    this.socket.write(`${line}\n`, 'latin1');
    return this.nextLine(ms);
  }

  /** Sends a line without waiting for an answer (`quit`, empty lines). */
  send(line: string): void {
    this.socket.write(`${line}\n`, 'latin1');
  }

  close(): void {
    this.socket.destroy();
  }
}
