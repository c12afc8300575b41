/**
 * A small static file server for cohort pages, on 127.0.0.1. Every response carries the
 * cross-origin isolation headers (COOP `same-origin`, COEP `require-corp`), so that pages get
 * `SharedArrayBuffer` and precise timers, and a module worker may load the page's scripts.
 *
 * @module
 */

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

/** A running server. */
export interface StaticServer {
  /** The server's base URL, e.g. `http://127.0.0.1:8123/`. */
  url: string;
  /** Stops the server and closes its connections. */
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** The headers that make a page cross-origin isolated. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/**
 * Serves the files under `root` on 127.0.0.1 (`/` is `index.html`).
 *
 * @param root The folder to serve.
 * @param port The port; 0 (default) picks a free one.
 * @returns The running server.
 */
export function serveStatic(root: string, port = 0): Promise<StaticServer> {
  const base = normalize(root + sep);
  const server = createServer(async (request, response) => {
    const headers = { ...ISOLATION_HEADERS, "Cache-Control": "no-store" };
    try {
      const pathname = decodeURIComponent(new URL(request.url ?? "/", "http://x").pathname);
      const file = normalize(
        join(base, pathname.endsWith("/") ? `${pathname}index.html` : pathname),
      );
      if (!file.startsWith(base)) throw Object.assign(new Error("outside"), { code: "ENOENT" });
      if (!(await stat(file)).isFile()) throw Object.assign(new Error("dir"), { code: "ENOENT" });
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? "application/octet-stream";
      response.writeHead(200, { ...headers, "Content-Type": type, "Content-Length": body.length });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch (e) {
      const missing = (e as { code?: string }).code === "ENOENT";
      response.writeHead(missing ? 404 : 500, { ...headers, "Content-Type": "text/plain" });
      response.end(missing ? "not found\n" : `error: ${(e as Error).message}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      const actual = typeof address === "object" && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}/`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
