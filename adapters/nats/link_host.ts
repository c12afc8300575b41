/**
 * Serves a {@linkcode PoolLink} over messages, so that it can run on a
 * thread of its own (`link_thread.ts`) or, where there are no worker
 * threads, beside the pool. `pool.ts` speaks the other end.
 *
 * @module
 */
import type { ErrorData } from "../../src/errors.ts";
import type { FromWorker, ToWorker } from "../../src/transport.ts";
import { transferList } from "./frames.ts";
import { PoolLink } from "./pool_link.ts";
import type { ResolvedSettings } from "./protocol.ts";

/** What the pool tells its link. */
export type ToLink =
  | { op: "open"; settings: ResolvedSettings; size: number; timeout: number }
  | { op: "send"; slot: number; message: ToWorker }
  | { op: "restart"; slot: number; call: number }
  | { op: "close"; call: number };

/** What the link tells the pool. */
export type FromLink =
  | { op: "opened"; claims: number[] }
  | { op: "failed"; error: ErrorData }
  | { op: "message"; slot: number; claim: number; message: FromWorker }
  | { op: "exit"; slot: number; claim: number; reason: string }
  | { op: "done"; call: number; claim?: number; error?: string };

/**
 * Handles the pool's messages with a `PoolLink`.
 *
 * @param post Sends a message to the pool, transferring the buffers listed.
 * @returns The handler for the pool's messages.
 */
export function serveLink(
  post: (message: FromLink, transfer: Transferable[]) => void,
): (message: ToLink) => void {
  let link: PoolLink | null = null;
  let closing: Promise<void> | null = null;
  const done = (call: number, claim?: number, error?: unknown) =>
    post({
      op: "done",
      call,
      claim,
      error: error === undefined ? undefined : String((error as Error)?.message ?? error),
    }, []);
  return (m) => {
    switch (m.op) {
      case "open":
        PoolLink.open(m.settings, m.size, m.timeout, {
          message: (slot, claim, message) =>
            post({ op: "message", slot, claim, message }, transferList(message)),
          exit: (slot, claim, reason) => post({ op: "exit", slot, claim, reason }, []),
        }).then(
          ({ link: opened, claims }) => {
            link = opened;
            if (closing) opened.close();
            post({ op: "opened", claims }, []);
          },
          (e: Error) =>
            post({
              op: "failed",
              error: { name: e?.name ?? "Error", message: String(e?.message ?? e) },
            }, []),
        );
        break;
      case "send":
        link?.send(m.slot, m.message);
        break;
      case "restart":
        if (!link) done(m.call, undefined, new Error("the pool is not connected"));
        else {link.restart(m.slot).then((claim) =>
            done(m.call, claim), (e) =>
            done(m.call, undefined, e));}
        break;
      case "close":
        closing ??= link?.close() ?? Promise.resolve();
        closing.finally(() => done(m.call));
        break;
    }
  };
}
