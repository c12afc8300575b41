#!/usr/bin/env node
// `npm run build`: compiles the TypeScript sources into dist/ (ES modules + .d.ts) for the npm
// package, with the TypeScript compiler (tsconfig.build.json), then fixes what tsc leaves:
// - `new URL("./entry.ts", import.meta.url)` and other module URLs still name `.ts` files
//   (tsc rewrites import specifiers only): they are pointed at the `.js` files;
// - declaration files keep `.ts` in relative import specifiers: rewritten to `.js`;
// - `Transferable` is a DOM type; declaration files that use it get a local alias, so the
//   types check in a project without the DOM lib;
// - `createPool({ adapter: "nats" })` imports the NATS adapter, and so the optional NATS client,
//   with a literal `import()`, which bundlers follow and then fail on when the client is not
//   installed: the specifier is moved into a variable, which they leave alone;
// - Node 20 lacks `Promise.withResolvers` (Node 22 has it): modules that call it import a
//   one-function shim first, which defines it only where it is missing;
// - the NATS worker CLI (dist/adapters/nats/worker.js, the package's `bin`) gets a shebang.
// Usage: node scripts/build.mjs [--no-check]   (--no-check: emit without type-checking)
import { spawnSync } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const noCheck = process.argv.includes("--no-check");

rmSync(dist, { recursive: true, force: true });
const tsc = join(root, "node_modules", ".bin", "tsc");
const args = ["-p", join(root, "tsconfig.build.json"), ...(noCheck ? ["--noCheck"] : [])];
const run = spawnSync(tsc, args, { stdio: "inherit", cwd: root });
if (run.status !== 0) {
  console.error(`build: tsc failed (exit ${run.status ?? run.signal})`);
  process.exit(1);
}

const SHIM = "node20_shim.js";
writeFileSync(
  join(dist, SHIM),
  `// Promise.withResolvers for Node 20 (Node 22, Deno and Bun have it); defined only if missing.
if (typeof Promise.withResolvers !== "function") {
  Object.defineProperty(Promise, "withResolvers", {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve, reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
export {};
`,
);
writeFileSync(join(dist, SHIM.replace(/\.js$/, ".d.ts")), "export {};\n");

/** Every file under `dir`, recursively. */
function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

// A relative module specifier ending in .ts, quoted: "./x.ts", '../a/b.ts'.
const RELATIVE_TS = /(["'])(\.\.?\/[^"'\s]*?)\.ts\1/g;
// A module URL: new URL("./entry.ts", import.meta.url).
const MODULE_URL = /new URL\((["'])(\.\.?\/[^"'\s]*?)\.ts\1(\s*,\s*import\.meta\.url\s*\))/g;
// The runtime's lazy imports of the NATS and Node adapters (which pull in the NATS client and
// node: modules): hidden from bundlers, so that a browser or Bun bundle does not follow them.
const NATS_IMPORT = /import\((["'])(\.\.\/adapters\/(?:nats\/pool|node_worker\/node)\.js)\1\)/g;
const TRANSFERABLE =
  "/** What a transfer list holds (the DOM's `Transferable` is not in every project). */\n" +
  "type Transferable = ArrayBuffer | MessagePort;\n";

let files = 0;
for (const path of walk(dist)) {
  if (path.endsWith(SHIM)) continue;
  const before = readFileSync(path, "utf8");
  let text = before;
  if (path.endsWith(".d.ts")) {
    text = text.replace(
      /^((?:import|export)\b[^;]*?from\s*)(["'])(\.\.?\/[^"']*?)\.ts\2/gm,
      "$1$2$3.js$2",
    );
    text = text.replace(/import\((["'])(\.\.?\/[^"']*?)\.ts\1\)/g, "import($1$2.js$1)");
    if (/\bTransferable\b/.test(stripComments(text))) text = TRANSFERABLE + text;
  } else if (path.endsWith(".js")) {
    text = text.replace(MODULE_URL, "new URL($1$2.js$1$3");
    text = text.replace(NATS_IMPORT, (_, quote, path) => {
      return `import((() => ${quote}${path}${quote})())`;
    });
    if (/\bPromise\.withResolvers\b/.test(stripComments(text))) {
      let shim = relative(dirname(path), join(dist, SHIM)).split(sep).join("/");
      if (!shim.startsWith(".")) shim = `./${shim}`;
      text = `import "${shim}";\n${text}`;
    }
  }
  if (text !== before) {
    writeFileSync(path, text);
    files++;
  }
}
// The NATS worker CLI is the package's `bin` (cohort-nats-worker): a shebang and the execute bit.
const BIN = join(dist, "adapters", "nats", "worker.js");
const binText = readFileSync(BIN, "utf8");
if (!binText.startsWith("#!")) writeFileSync(BIN, `#!/usr/bin/env node\n${binText}`);
chmodSync(BIN, 0o755);
// Any module URL still naming a .ts file would fail at run time under Node.
for (const path of walk(dist)) {
  if (!path.endsWith(".js")) continue;
  const code = stripComments(readFileSync(path, "utf8"));
  for (const match of code.matchAll(RELATIVE_TS)) {
    if (/does_not_exist/.test(match[2])) continue; // the conformance suite's missing module
    console.error(`build: ${relative(root, path)} still refers to ${match[2]}.ts`);
    process.exitCode = 1;
  }
}
console.log(
  `build: dist/ written (${files} files adjusted)${noCheck ? " without type-check" : ""}`,
);

/** The text without block and line comments (roughly: enough to skip doc examples). */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}
