import WebSocket from 'ws';

/**
 * A hand-driven engine.io/Socket.IO v4 session over a raw WebSocket: the
 * test writes protocol frames itself (`40{...}`, `42["x"]`), as a hostile
 * client would, and reads every frame ECB sends back. Engine.io pings are
 * answered, so only what the test sends decides what happens.
 */
export class RawSocketIo {
  /** Every text frame received, in order (pings excluded). */
  readonly frames: string[] = [];
  /** Resolves with the close code once the server (or the test) closes the WebSocket. */
  readonly closed: Promise<number>;
  private waiters: Array<() => void> = [];

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? `<binary ${(data as Buffer).length}>` : data.toString();
      if (frame === '2') {
        ws.send('3');
        return;
      }
      this.frames.push(frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
    ws.once('close', () => {
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Opens the engine.io session (the server's `0{...}` open packet has arrived). */
  static async open(ecbUrl: string): Promise<RawSocketIo> {
    const ws = new WebSocket(`${ecbUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    const session = new RawSocketIo(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await session.next((frame) => frame.startsWith('0'));
    return session;
  }

  /** Opens the session and connects the main namespace with this auth. */
  static async connected(ecbUrl: string, auth: Record<string, unknown>): Promise<RawSocketIo> {
    const session = await RawSocketIo.open(ecbUrl);
    session.send(`40${JSON.stringify(auth)}`);
    const answer = await session.next((frame) => frame.startsWith('40') || frame.startsWith('44'));
    if (!answer.startsWith('40')) throw new Error(`handshake refused: ${answer}`);
    return session;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  /** The first frame (received or still to come) that matches, or a rejection after `ms`. */
  async next(matches: (frame: string) => boolean, ms = 3_000, from = 0): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.frames.slice(from).find(matches);
      if (found !== undefined) return found;
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error('closed before a matching frame arrived');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Sends an event with ack id `id` and resolves with the ack's payload. */
  request(id: number, event: string, payload: unknown): Promise<unknown> {
    return this.requestJson(id, event, JSON.stringify(payload));
  }

  /** The same, with the payload written as JSON by the test (for what JSON.stringify cannot write, such as deep nesting). */
  async requestJson(id: number, event: string, payloadJson: string): Promise<unknown> {
    const from = this.frames.length;
    this.send(`42${id}[${JSON.stringify(event)},${payloadJson}]`);
    const frame = await this.next((f) => f.startsWith(`43${id}[`), 3_000, from);
    return (JSON.parse(frame.slice(`43${id}`.length)) as unknown[])[0];
  }

  close(): void {
    this.ws.terminate();
  }
}
