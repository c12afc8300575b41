/**
 * The errors that say what happened to a worker: dead for good, past the
 * crash-loop limit, not restartable, a call that cannot be sent again, data
 * that could not be put back.
 *
 * @module
 */
import { WorkerCrashedError } from "./errors.ts";
import { Failure } from "./requests.ts";
import { CRASH_WINDOW_MS } from "./slot.ts";

/** A worker past the crash-loop limit. */
export function stopped(worker: number, crashes: number, reason: Error): WorkerCrashedError {
  return new WorkerCrashedError(
    worker,
    `worker ${worker} crashed ${crashes} times in ${CRASH_WINDOW_MS / 1000} s ` +
      `and is not restarted again (pool.revive(${worker}) brings it back); last: ${reason.message}`,
    { cause: reason },
  );
}

/** A call to a worker that is dead for good. */
export function deadWorker(worker: number, death: Error | undefined): WorkerCrashedError {
  return new WorkerCrashedError(worker, `worker ${worker} is dead: ${death?.message}`, {
    cause: death,
  });
}

/** A replacement that could not be started. */
export function unrestartable(worker: number, e: unknown): WorkerCrashedError {
  const message = (e as Error)?.message ?? String(e);
  return new WorkerCrashedError(worker, `worker ${worker} could not be restarted: ${message}`, {
    cause: e,
  });
}

/** A queued call whose buffers went to a worker that was then replaced. */
export function unsendable(worker: number): WorkerCrashedError {
  return new WorkerCrashedError(
    worker,
    `worker ${worker} was replaced and the call, whose buffers had been transferred to the ` +
      "old worker, could not be sent again",
  );
}

/** Why a value could not be put back on a replacement. */
export function restoreFailure(worker: number, e: unknown): string {
  const why = e instanceof Failure ? e.data.message : (e as Error)?.message ?? String(e);
  return `worker ${worker} was replaced and restoring it failed: ${why}`;
}

/** A worker that exited while it was up. */
export function crashed(worker: number, reason: Error): WorkerCrashedError {
  return new WorkerCrashedError(worker, `worker ${worker} crashed: ${reason.message}`, {
    cause: reason,
  });
}

/** A worker whose `init` could not be sent. */
export function couldNotStart(worker: number, e: unknown): WorkerCrashedError {
  return new WorkerCrashedError(worker, `worker ${worker} could not start`, { cause: e });
}
