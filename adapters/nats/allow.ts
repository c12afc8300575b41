/**
 * The worker's module allow-list: task modules load only from the folders a
 * worker was started with. URLs are compared in normal form at a path
 * boundary: a URL that changes under WHATWG normalisation (`..`, `.`, `%2e`,
 * `\`, tabs, ...) is refused, as is one whose path hides a separator or a dot
 * in percent-encoding (`%2f`, `%5c`, `%2e`), which a runtime would decode
 * when it maps the URL to a file. Only `file:`, `http:` and `https:` URLs
 * are accepted; `data:` and `blob:` never are.
 *
 * @module
 */

const SCHEMES = new Set(["file:", "http:", "https:"]);
/** Percent-encoded `.`, `/`, `\` and NUL, in any case. */
const HIDDEN = /%(2e|2f|5c|00)/i;

/**
 * Checks and normalises the allowed prefixes: each is a folder URL (a `/` is
 * added if missing), absolute, `file:`, `http:` or `https:`, in normal form.
 *
 * @param prefixes The `--allow-module` values.
 * @returns The folders, each ending in `/`.
 * @throws {TypeError} If a prefix is empty, relative, of another scheme, or not in normal form.
 *
 * @example
 * ```ts
 * import { allowedFolders } from "@cohort/core/adapters/nats-worker";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(allowedFolders(["file:///srv/tasks"]), ["file:///srv/tasks/"]);
 * assert.throws(() => allowedFolders([""]), TypeError);
 * ```
 */
export function allowedFolders(prefixes: readonly string[]): string[] {
  if (prefixes.length === 0) {
    throw new TypeError("give at least one --allow-module folder URL");
  }
  return prefixes.map((prefix) => {
    if (typeof prefix !== "string" || prefix.trim() === "") {
      throw new TypeError(
        "an --allow-module prefix is empty (an unset variable?); give a folder URL " +
          "such as file:///srv/project/tasks/",
      );
    }
    const folder = prefix.endsWith("/") ? prefix : `${prefix}/`;
    const problem = urlProblem(folder);
    if (problem) throw new TypeError(`--allow-module ${JSON.stringify(prefix)}: ${problem}`);
    const url = new URL(folder);
    if (url.search || url.hash) {
      throw new TypeError(
        `--allow-module ${JSON.stringify(prefix)}: a folder has no ?query or #hash`,
      );
    }
    return folder;
  });
}

/** Why `url` is not an acceptable module URL in normal form, or `null`. */
function urlProblem(url: string): string | null {
  if (!URL.canParse(url)) return "not an absolute URL";
  const parsed = new URL(url);
  if (!SCHEMES.has(parsed.protocol)) {
    return `${parsed.protocol} URLs are not allowed (only file:, http: and https:)`;
  }
  if (parsed.href !== url) {
    return `not in normal form (it normalises to ${parsed.href}; give that URL instead)`;
  }
  if (HIDDEN.test(parsed.pathname)) {
    return "its path hides '.', '/', '\\' or NUL in percent-encoding";
  }
  return null;
}

/**
 * Why the module `url` may not be loaded from `folders`, or `null` if it may.
 *
 * @param url A task module URL, as a pool sent it.
 * @param folders The result of {@linkcode allowedFolders}.
 * @returns The refusal, as a sentence that names the URL and the folders, or `null`.
 *
 * @example
 * ```ts
 * import { allowedFolders, moduleRefusal } from "@cohort/core/adapters/nats-worker";
 * import assert from "node:assert/strict";
 *
 * const folders = allowedFolders(["file:///x/tasks/"]);
 * assert.equal(moduleRefusal("file:///x/tasks/a.ts", folders), null);
 * assert.match(moduleRefusal("file:///x/tasks/../evil.ts", folders)!, /not allowed/);
 * assert.match(moduleRefusal("file:///x/tasks_evil/a.ts", folders)!, /not allowed/);
 * ```
 */
export function moduleRefusal(url: string, folders: readonly string[]): string | null {
  const allowed = `allowed prefixes: ${folders.join(", ")}`;
  const text = typeof url === "string" ? url : String(url);
  const problem = urlProblem(text);
  if (problem) return `task module ${text} is not allowed on this worker: ${problem} (${allowed})`;
  const parsed = new URL(text);
  const inside = folders.some((folder) => {
    const f = new URL(folder);
    return f.protocol === parsed.protocol && f.host === parsed.host &&
      parsed.pathname.startsWith(f.pathname) && parsed.pathname.length > f.pathname.length;
  });
  return inside ? null : `task module ${text} is not allowed on this worker (${allowed})`;
}
