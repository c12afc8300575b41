// A raw worker_threads worker for the Node bench's apply baseline: answers every message.
import { parentPort } from "node:worker_threads";

parentPort.on("message", (message) => parentPort.postMessage({ id: message.id }));
parentPort.postMessage({ ready: true });
