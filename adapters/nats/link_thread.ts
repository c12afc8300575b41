/**
 * The thread a NATS pool's link runs on: it is never busy with the pool's
 * own work, so it reads and acknowledges everything that arrives at once and
 * the server never drops the pool as a slow consumer. Messages wait here, or
 * in the pool thread's queue, until the pool thread takes them.
 *
 * @module
 */
import { type FromLink, serveLink, type ToLink } from "./link_host.ts";

interface LinkScope {
  postMessage(message: FromLink, transfer: Transferable[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
}

const scope = globalThis as unknown as LinkScope;
const handle = serveLink((message, transfer) => scope.postMessage(message, transfer));
scope.addEventListener("message", (event) => handle((event as MessageEvent<ToLink>).data));
// A stray error of the NATS client (a reset socket) must not end the link.
scope.addEventListener("error", (event) => event.preventDefault());
scope.addEventListener("unhandledrejection", (event) => event.preventDefault());
