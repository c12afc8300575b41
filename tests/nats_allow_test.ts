/**
 * The NATS worker's module allow-list as a matrix: every bypass seen in
 * issue 11 is refused, the legitimate forms are admitted, and bad prefixes
 * are refused at start with a clear message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { allowedFolders, moduleRefusal } from "../adapters/nats/allow.ts";

const folders = allowedFolders(["file:///x/tasks/", "http://h/tasks/"]);

const refused: [string, string][] = [
  ["file:///x/tasks/../evil.ts", "dot-dot"],
  ["file:///x/tasks/%2e%2e/evil.ts", "%2e%2e"],
  ["file:///x/tasks/.%2E/evil.ts", ".%2E"],
  ["file:///x/tasks/%2E./evil.ts", "%2E."],
  ["file:///x/tasks/..%2fevil.ts", "..%2f"],
  ["file:///x/tasks/..%2Fevil.ts", "..%2F"],
  ["file:///x/tasks/..%5cevil.ts", "..%5c"],
  ["file:///x/tasks/..\\evil.ts", "..\\"],
  ["file:///x/tasks/.\t./evil.ts", "a tab inside the dots"],
  ["file:///x/tasks/.\n./evil.ts", "a newline inside the dots"],
  ["file:///x/tasks/../x.ts?q", "../x.ts?q"],
  ["file:///x/tasks/./a.ts", "a single dot"],
  ["file:///x/tasks_evil/a.ts", "a sibling folder sharing the prefix"],
  ["file:///x/tasks", "the folder itself"],
  ["file:///x/tasks/", "the folder itself, with a slash"],
  ["file://evil-host/x/tasks/a.ts", "another host"],
  ["http://h/tasks/../evil.js", "dot-dot over http"],
  ["http://h/tasks/%2e%2e/evil.js", "%2e%2e over http"],
  ["http://evil/tasks/a.js", "another http host"],
  ["https://h/tasks/a.js", "another scheme than the prefix's"],
  ["http://h:8080/tasks/a.js", "another port"],
  ["data:text/javascript,export const tasks = {}", "a data: URL"],
  ["blob:http://h/1234", "a blob: URL"],
  ["/x/tasks/a.ts", "a path, not a URL"],
  ["tasks/a.ts", "a relative URL"],
  ["", "an empty URL"],
  ["file:///x/tasks/a%00.ts", "an encoded NUL"],
];

const admitted = [
  "file:///x/tasks/a.ts",
  "file:///x/tasks/sub/dir/b.js",
  "file:///x/tasks/a.ts?v=2",
  "file:///x/tasks/with%20space.ts",
  "http://h/tasks/a.js",
  "http://h/tasks/deep/a.js#frag",
];

test("moduleRefusal() refuses every walk around the allow-list", () => {
  for (const [url, what] of refused) {
    const why = moduleRefusal(url, folders);
    assert.ok(why !== null, `${what} (${JSON.stringify(url)}) was admitted`);
    assert.match(why, /is not allowed on this worker/, what);
    assert.ok(why.includes("allowed prefixes: file:///x/tasks/, http://h/tasks/"), why);
  }
});

test("moduleRefusal() admits module URLs inside an allowed folder, in normal form", () => {
  for (const url of admitted) assert.equal(moduleRefusal(url, folders), null, url);
});

test("moduleRefusal() says what a URL normalises to", () => {
  assert.match(
    moduleRefusal("file:///x/tasks/../evil.ts", folders)!,
    /not in normal form \(it normalises to file:\/\/\/x\/evil\.ts/,
  );
  assert.match(moduleRefusal("data:text/javascript,1", folders)!, /data: URLs are not allowed/);
});

test("allowedFolders() makes each prefix a folder and refuses bad ones", () => {
  assert.deepEqual(allowedFolders(["file:///x/tasks", "https://h/t/"]), [
    "file:///x/tasks/",
    "https://h/t/",
  ]);
  const folder = allowedFolders(["file:///x/tasks"]);
  assert.notEqual(moduleRefusal("file:///x/tasks_evil/a.ts", folder), null);
  assert.equal(moduleRefusal("file:///x/tasks/a.ts", folder), null);
  const bad: [string[], RegExp][] = [
    [[], /at least one --allow-module/],
    [[""], /empty \(an unset variable\?\)/],
    [["  "], /empty/],
    [["data:text/javascript,"], /data: URLs are not allowed/],
    [["blob:http://h/"], /blob: URLs are not allowed/],
    [["file:///x/tasks/../"], /not in normal form/],
    [["file:///x/%2e%2e/"], /not in normal form/],
    [["/x/tasks/"], /not an absolute URL/],
    [["file:///x/t/?q"], /no \?query/],
  ];
  for (const [prefixes, message] of bad) {
    assert.throws(() => allowedFolders(prefixes), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, message, JSON.stringify(prefixes));
      return true;
    });
  }
});
