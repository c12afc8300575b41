// Whole scripts run as child processes with this runtime: the first-script trap ends at once
// with a clear error, the guarded form works, and a looping worker does not keep a script alive.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runScript } from "./worker_helpers.ts";

describe("scripts", () => {
  test("a script that defines its tasks beside createPool() ends within 5 s with a clear error", {
    timeout: 30_000,
  }, async () => {
    const { code, stderr, ms } = await runScript("first_script.ts", [], 15_000);
    console.log(
      `  ended in ${ms.toFixed(0)} ms with: ${
        stderr.split("\n").find((l) => /createPool/.test(l))?.trim()
      }`,
    );
    assert.notEqual(code, 0);
    assert.notEqual(code, null, "killed: the script hung");
    assert.ok(ms < 5_000 + 3_000, `took ${ms} ms`); // 5 s, plus start-up slack on a busy CI
    assert.match(stderr, /createPool\(\) was called inside a cohort worker/);
    assert.match(stderr, /if \(import\.meta\.main\)/);
  });

  test("the same script guarded by import.meta.main works", { timeout: 30_000 }, async () => {
    const { code, stdout, stderr } = await runScript("guarded_script.ts", [], 20_000);
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim(), "[3,3]");
  });

  for (const mode of ["close", "deadline"]) {
    test(
      `a script whose task loops ends by itself after ${
        mode === "close" ? "close()" : "a deadline and close()"
      }`,
      {
        timeout: 30_000,
      },
      async () => {
        const { code, stdout, stderr, ms } = await runScript("loop_script.ts", [mode], 20_000);
        assert.equal(code, 0, `exit ${code} after ${ms} ms; stderr: ${stderr}`);
        assert.match(stdout, mode === "deadline" ? /timeout\nclosed/ : /closed/);
        assert.ok(ms < 15_000);
      },
    );
  }
});
