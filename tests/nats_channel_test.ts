/**
 * The NATS adapter's link layer on an in-memory bus, without a server:
 * splitting to `max_payload`, resending lost frames, and noticing a peer
 * whose subject nobody listens on.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type Msg,
  type NatsConnection,
  NoRespondersError,
  RequestError,
} from "@nats-io/transport-node";
import { Channel } from "../adapters/nats/channel.ts";
import { DATA, frameKind } from "../adapters/nats/envelope.ts";
import type { Message } from "../adapters/nats/frames.ts";
import type { Encoded } from "../src/codec.ts";

/** Subjects to handlers, with a filter that may drop published frames. */
class Bus {
  handlers = new Map<string, (msg: Msg) => void>();
  frames = 0;
  maxFrame = 0;
  drop: (subject: string, frame: Uint8Array) => boolean = () => false;

  connection(maxPayload: number): NatsConnection {
    const deliver = (subject: string, data: Uint8Array, respond: (d: Uint8Array) => void) =>
      this.handlers.get(subject)?.({ subject, data, reply: "r", respond } as unknown as Msg);
    return {
      info: { max_payload: maxPayload },
      isClosed: () => false,
      publish: (subject: string, data: Uint8Array) => {
        this.frames++;
        this.maxFrame = Math.max(this.maxFrame, data.byteLength);
        if (this.drop(subject, data)) return;
        const copy = data.slice();
        setTimeout(() => deliver(subject, copy, () => {}), 0);
      },
      request: (subject: string, data: Uint8Array) =>
        new Promise((resolve, reject) => {
          if (!this.handlers.has(subject)) {
            return reject(new RequestError("x", { cause: new NoRespondersError(subject) }));
          }
          deliver(subject, data.slice(), (d) => resolve({ data: d }));
        }),
    } as unknown as NatsConnection;
  }
}

interface Pair {
  bus: Bus;
  a: Channel<Message, Message>;
  b: Channel<Message, Message>;
  received: Message[];
  gone: string[];
}

function pair(maxPayload: number): Pair {
  const bus = new Bus();
  const received: Message[] = [];
  const gone: string[] = [];
  const make = (from: string, to: string, onMessage: (m: Message) => void) => {
    const channel = new Channel<Message, Message>({
      nc: bus.connection(maxPayload),
      accept: ["put"],
      subject: to,
      peer: `peer on ${to}`,
      goneAfter: 50,
      onMessage,
      onBye: (r) => gone.push(`bye ${r}`),
      onGone: (r) => gone.push(r),
    });
    bus.handlers.set(from, (msg) => channel.receive(msg));
    return channel;
  };
  const a = make("a", "b", () => {});
  const b = make("b", "a", (m) => received.push(m));
  return { bus, a, b, received, gone };
}

const put = (bytes: number): Message => ({
  type: "put",
  id: 1,
  object: 1,
  value: { s: 1, j: "{}", b: [new Uint8Array(bytes).map((_, i) => i % 251)] },
});

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function partOf(message: Message): Uint8Array {
  return (message as { value: Encoded }).value.b[0] as Uint8Array;
}

test("Channel splits messages to max_payload and reassembles them in order", async () => {
  const { bus, a, received } = pair(4096);
  a.send(put(100_000));
  a.send(put(10));
  await until(() => received.length === 2);
  assert.ok(bus.maxFrame <= 4096, `largest frame ${bus.maxFrame}`);
  assert.deepEqual(partOf(received[0]), partOf(put(100_000)));
  assert.equal(partOf(received[1]).byteLength, 10);
  a.close();
});

test("Channel resends frames a server restart lost", async () => {
  const { bus, a, b, received } = pair(4096);
  let dropped = 0;
  bus.drop = (subject, frame) =>
    subject === "b" && frameKind(frame) === DATA && dropped < 3 && bus.frames % 7 === 3 &&
    ++dropped > 0;
  a.send(put(200_000));
  a.send(put(5));
  await until(() => received.length === 2);
  assert.equal(dropped, 3);
  assert.deepEqual(partOf(received[0]), partOf(put(200_000)));
  a.close();
  b.close();
});

test("Channel resends a lost last frame once the peer's ping shows it missing", async () => {
  const { bus, a, b, received } = pair(4096);
  let dropped = false;
  bus.drop = (subject, frame) =>
    subject === "b" && frameKind(frame) === DATA && !dropped && (dropped = true);
  a.send(put(10));
  await new Promise((r) => setTimeout(r, 1_100));
  b.tick();
  await until(() => received.length === 1);
  a.close();
  b.close();
});

test("Channel reports a peer whose subject nobody listens on", async () => {
  const { bus, a, gone } = pair(4096);
  bus.handlers.delete("b");
  a.tick();
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(gone, [], "not after one missed ping");
  await new Promise((r) => setTimeout(r, 60));
  a.tick();
  await until(() => gone.length === 1);
  assert.match(gone[0], /peer on b is gone: nothing has listened on its NATS subject/);
  assert.equal(a.closed, true);
});
