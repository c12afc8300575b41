/**
 * One side of a pool–worker link over NATS: messages cut into frames no
 * larger than the server's `max_payload`, numbered, acknowledged and resent
 * after losses (a NATS server restart loses what it held), with a send window
 * so that a 64 MiB message never floods the server, and pings that notice
 * when nothing listens on the peer's subject any more.
 *
 * Frame envelope, 40 bytes little-endian: `u8 kind | u8 flags | u16 0 |
 * u32 seq | u32 ack | u32 message length | u64 counter | 16-byte MAC`. `seq`
 * numbers data frames from 1; `ack` is the last data frame received in order
 * from the peer; `counter` numbers every frame sent (resends included). With
 * link keys, the MAC is an HMAC-SHA256 of the frame (MAC left out) with this
 * direction's key, and a frame with a bad MAC or a counter seen before is
 * dropped unread; without keys the MAC is zero and not checked.
 *
 * @module
 */
import { type Msg, type NatsConnection, RequestError } from "@nats-io/transport-node";
import type { LinkKeys } from "./auth.ts";
import {
  ACK,
  BYE,
  controlFrame,
  DATA,
  FIRST,
  frameKind,
  frameText,
  GAP,
  GONE,
  HEADER,
  LAST,
  PING,
  PONG,
  Seals,
} from "./envelope.ts";
import { cutMessage, encodeMessage, type Message, MessageReader } from "./frames.ts";
import { HEARTBEAT_MS, RECONNECT_GRACE_MS } from "./protocol.ts";
import { SendWindow } from "./send_window.ts";

/** The receiver acknowledges at least every this many bytes. */
const ACK_BYTES = 256 * 1024;

/** Options of a {@linkcode Channel} that receives messages of type `In`. */
export interface ChannelOptions<In extends Message> {
  /** The connection. */
  nc: NatsConnection;
  /** Where this side publishes (the peer subscribes there). */
  subject: string;
  /** Who the peer is, for messages, e.g. `worker 2 ("bun-1")`. */
  peer: string;
  /** The message types this side accepts; any other closes the link as unreadable. */
  accept: readonly In["type"][];
  /** A whole message arrived. */
  onMessage(message: In): void;
  /** The peer said goodbye (`BYE`) or that it does not know us (`GONE`). */
  onBye(reason: string): void;
  /** Nothing has listened on the peer's subject for `goneAfter` ms. */
  onGone(reason: string): void;
  /** Milliseconds without a listener before the peer counts as gone. */
  goneAfter: number;
  /** The link's keys; absent: frames are neither signed nor checked. */
  keys?: LinkKeys;
  /** The key that signs a `GONE` answer to our ping (the pool's key, on a worker). */
  goneKey?: Uint8Array;
}

/**
 * A reliable, ordered, windowed message link to one peer: sends `Out`
 * messages, receives `In` messages.
 */
export class Channel<In extends Message, Out extends Message> {
  #o: ChannelOptions<In>;
  #nextSeq = 1;
  #out: SendWindow = new SendWindow((frame) => this.#stampAndPublish(frame));
  #received = 0;
  #reader: MessageReader | null = null;
  #sinceAck = 0;
  #lastAck = 0;
  #pinging = false;
  #missingSince: number | null = null;
  #graceUntil = 0;
  #closed = false;
  #seals: Seals;

  /** @param options The connection, subjects and callbacks. */
  constructor(options: ChannelOptions<In>) {
    this.#o = options;
    this.#seals = new Seals(options.keys, options.goneKey);
  }

  /** Most bytes sent and not yet acknowledged (at least one frame is always let through). */
  get window(): number {
    return this.#out.window;
  }
  set window(bytes: number) {
    this.#out.window = bytes;
  }

  /** Sends a message; it arrives whole, once, and in order. */
  send(message: Out): void {
    if (this.#closed) return;
    const bytes = encodeMessage(message);
    const room = Math.max(64, (this.#o.nc.info?.max_payload ?? 1024 * 1024) - HEADER);
    if (bytes.length > 0xffff_ffff) {
      throw new RangeError(`a message of ${bytes.length} bytes is over the 4 GiB limit`);
    }
    for (const { frame, first, last } of cutMessage(bytes, room, HEADER)) {
      const view = new DataView(frame.buffer);
      view.setUint8(0, DATA);
      view.setUint8(1, (first ? FIRST : 0) | (last ? LAST : 0));
      view.setUint32(4, this.#nextSeq, true);
      view.setUint32(12, bytes.length, true);
      this.#out.push(this.#nextSeq++, frame);
    }
    this.#out.pump();
  }

  /** Handles one frame from the peer (the owner's subscription calls this). */
  receive(msg: Msg): void {
    if (this.#closed) return;
    const frame = msg.data;
    if (frame.byteLength < HEADER || !this.#seals.fresh(frame)) return;
    const view = new DataView(frame.buffer, frame.byteOffset, HEADER);
    const kind = view.getUint8(0);
    const flags = view.getUint8(1);
    this.#missingSince = null;
    this.#out.acked(view.getUint32(8, true), (flags & GAP) !== 0);
    switch (kind) {
      case DATA:
        this.#data(view.getUint32(4, true), flags, view.getUint32(12, true), frame);
        break;
      case PING:
        msg.respond(this.#seal(controlFrame(PONG, this.#received)));
        break;
      case BYE:
        if (msg.reply) msg.respond(this.#seal(controlFrame(ACK, this.#received)));
        this.close();
        this.#o.onBye(frameText(frame));
        break;
    }
  }

  /** Pings the peer (call every {@linkcode HEARTBEAT_MS}). */
  tick(): void {
    if (this.#closed || this.#pinging || this.#o.nc.isClosed()) return;
    this.#pinging = true;
    const ping = this.#seal(controlFrame(PING, this.#received));
    const counter = this.#seals.counter;
    this.#o.nc.request(this.#o.subject, ping, {
      timeout: 2 * HEARTBEAT_MS,
    }).then((reply) => {
      this.#missingSince = null;
      const frame = reply.data;
      if (this.#closed) return;
      if (frameKind(frame) === GONE && this.#seals.goneSigned(frame, counter)) {
        this.close();
        this.#o.onBye(frameText(frame) || `${this.#o.peer} no longer knows this link`);
      } else if (frameKind(frame) === PONG && this.#seals.fresh(frame)) {
        const ack = new DataView(frame.buffer, frame.byteOffset, HEADER).getUint32(8, true);
        this.#out.acked(ack, false);
      }
    }, (e) => this.#pingFailed(e)).finally(() => {
      this.#pinging = false;
    });
  }

  /** Our connection came back: resend what may have been lost, and wait for the peer. */
  reconnected(): void {
    this.#graceUntil = Date.now() + RECONNECT_GRACE_MS;
    this.#missingSince = null;
    this.#out.resend();
  }

  /**
   * Tells the peer goodbye and closes; resolves once the peer answered or
   * after `timeout` ms.
   */
  async bye(reason: string, timeout = 1_000): Promise<void> {
    if (this.#closed) return;
    this.close();
    try {
      const frame = this.#seal(controlFrame(BYE, this.#received, reason));
      await this.#o.nc.request(this.#o.subject, frame, { timeout });
    } catch {
      // Gone, busy or cut off: the peer frees itself when it notices.
    }
  }

  /** Stops sending and receiving; drops what is queued. */
  close(): void {
    this.#closed = true;
    this.#out.clear();
    this.#reader = null;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#closed;
  }

  #seal(frame: Uint8Array): Uint8Array {
    return this.#seals.seal(frame);
  }

  #pingFailed(e: unknown): void {
    if (this.#closed || !(e instanceof RequestError) || !e.isNoResponders()) return;
    const now = Date.now();
    if (now < this.#graceUntil) return;
    this.#missingSince ??= now;
    if (now - this.#missingSince < this.#o.goneAfter) return;
    this.close();
    this.#o.onGone(
      `${this.#o.peer} is gone: nothing has listened on its NATS subject for ` +
        `${now - this.#missingSince} ms (its process or its connection ended)`,
    );
  }

  #data(seq: number, flags: number, length: number, frame: Uint8Array): void {
    if (seq !== this.#received + 1) {
      // A duplicate (already have it) or a gap (an earlier frame was lost): ask for a resend.
      if (seq > this.#received + 1) this.#sendAck(true);
      return;
    }
    this.#received = seq;
    const payload = frame.subarray(HEADER);
    this.#sinceAck += payload.byteLength;
    if (flags & FIRST) this.#reader = new MessageReader(length);
    let message: In | null = null;
    try {
      const whole = this.#reader ? this.#reader.push(payload) : null;
      if (flags & LAST && !whole) throw new TypeError("the message ended early");
      if (whole && !this.#accepts(whole)) {
        throw new TypeError(`unexpected message type ${JSON.stringify(whole.type)}`);
      }
      message = whole;
    } catch (e) {
      this.close();
      this.#o.onGone(`${this.#o.peer} sent a message that cannot be read: ${String(e)}`);
      return;
    }
    if (this.#sinceAck >= ACK_BYTES) this.#sendAck(false);
    if (!message) return;
    this.#reader = null;
    this.#o.onMessage(message);
  }

  #accepts(message: Message): message is In {
    return (this.#o.accept as readonly string[]).includes(message.type);
  }

  #sendAck(gap: boolean): void {
    const now = Date.now();
    if (gap && now - this.#lastAck < 100) return;
    this.#lastAck = now;
    this.#sinceAck = 0;
    const frame = controlFrame(ACK, this.#received);
    if (gap) frame[1] = GAP;
    this.#publish(this.#seal(frame));
  }

  #stampAndPublish(frame: Uint8Array): void {
    new DataView(frame.buffer, frame.byteOffset, HEADER).setUint32(8, this.#received, true);
    this.#sinceAck = 0;
    this.#publish(this.#seal(frame));
  }

  #publish(frame: Uint8Array): void {
    try {
      this.#o.nc.publish(this.#o.subject, frame);
    } catch {
      // Closed connection: the owner reports it.
    }
  }
}
