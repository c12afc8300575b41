/**
 * The sending half of a NATS link: data frames queued in order, at most a
 * window of bytes sent and not yet acknowledged, and resends of what the peer
 * has not acknowledged (a NATS server restart loses what it held).
 *
 * @module
 */

const MiB = 1024 * 1024;
/** Most bytes in flight per link, unless {@linkcode SendWindow.window} says less. */
const WINDOW = 8 * MiB;
/** Frames not acknowledged within this long are sent again on the next acknowledgement. */
const RESEND_AFTER_MS = 1_000;

interface Frame {
  seq: number;
  bytes: Uint8Array;
  sentAt: number;
}

/**
 * Data frames waiting to be sent or to be acknowledged.
 *
 * @example
 * ```ts ignore
 * const out = new SendWindow((frame) => nc.publish(subject, frame));
 * out.push(1, frame);
 * out.acked(1, false); // the peer has frame 1: it is let go
 * ```
 */
export class SendWindow {
  #publish: (frame: Uint8Array) => void;
  #queue: Frame[] = [];
  #unacked: Frame[] = [];
  #inflight = 0;
  /** Most bytes sent and not yet acknowledged (at least one frame is always let through). */
  window: number = WINDOW;

  /** @param publish Sends one frame (stamped and sealed by the caller's function). */
  constructor(publish: (frame: Uint8Array) => void) {
    this.#publish = publish;
  }

  /** Queues data frame `seq` (`pump()` sends it when the window has room). */
  push(seq: number, bytes: Uint8Array): void {
    this.#queue.push({ seq, bytes, sentAt: 0 });
  }

  /**
   * The peer has every frame up to `ack`: lets them go, resends the rest if
   * the peer saw a gap or they are overdue, and sends what the window allows.
   */
  acked(ack: number, gap: boolean): void {
    while (this.#unacked.length > 0 && this.#unacked[0].seq <= ack) {
      this.#inflight -= this.#unacked.shift()!.bytes.byteLength;
    }
    const oldest = this.#unacked[0];
    if (oldest && (gap || Date.now() - oldest.sentAt > RESEND_AFTER_MS)) this.resend();
    this.pump();
  }

  /** Sends every frame not acknowledged yet again. */
  resend(): void {
    const now = Date.now();
    for (const frame of this.#unacked) {
      frame.sentAt = now;
      this.#publish(frame.bytes);
    }
  }

  /** Sends queued frames while the window has room. */
  pump(): void {
    while (
      this.#queue.length > 0 &&
      (this.#inflight === 0 || this.#inflight + this.#queue[0].bytes.byteLength <= this.window)
    ) {
      const frame = this.#queue.shift()!;
      frame.sentAt = Date.now();
      this.#unacked.push(frame);
      this.#inflight += frame.bytes.byteLength;
      this.#publish(frame.bytes);
    }
  }

  /** Drops everything queued or unacknowledged. */
  clear(): void {
    this.#queue.length = 0;
    this.#unacked.length = 0;
    this.#inflight = 0;
  }
}
