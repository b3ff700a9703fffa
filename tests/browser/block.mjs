// "Block this caller" in Debian's chromium (issue 14). Started by
// tests/browser/block.rs, which runs two lotse instances on one real
// redis-server and a control server that plays callers on either instance
// and moves the clock. Exits 1 at the first failure; prints "all browser
// tests passed" at the end.

import assert from "node:assert/strict";
import { join } from "node:path";
import { control, env, launch, LIVE_MS, requireEnv, signIn } from "./harness.mjs";

requireEnv(["LOTSE_URL", "CONTROL_URL", "ANNA_TOKEN", "OPERATOR_TOKEN", "ARTIFACTS"]);

const heard = async (on, sid, who) => (await control(`/call/${on}/${sid}/${who}`)).heard;

const { open: fresh, test, finish } = await launch();

/// A fresh browser signed in with `token`.
async function open(token, options) {
  const opened = await fresh(options);
  await signIn(opened.page, token);
  return opened;
}

let anna;

await test("no call yet → no block control", async () => {
  anna = await open(env.ANNA_TOKEN);
  const { page } = anna;
  await page.getByRole("button", { name: "Verfügbar" }).click();
  await page.locator('#status[data-status="available"]').waitFor({ timeout: LIVE_MS });
  await page.waitForTimeout(1500);
  assert.equal(await page.locator("#block").isVisible(), false);
});

await test("during a live call the counsellor blocks the caller with a reason and a duration", async () => {
  const { page } = anna;
  assert.deepEqual(await control("/answer/CA0000000000000000000000000000b001/caller"), { bridged: true });
  await page.locator('#status[data-status="in_call"]').waitFor({ timeout: LIVE_MS });
  const block = page.locator("#block");
  await block.filter({ hasText: "aktuelles Gespräch" }).waitFor({ timeout: 3 * LIVE_MS });
  const submit = page.getByRole("button", { name: "Anrufer sperren" });
  assert.equal(await submit.isDisabled(), true, "no reason chosen yet");
  await page.getByLabel("Grund").selectOption("threat");
  await page.getByLabel("Dauer in Tagen").fill("1");
  await submit.click();
  await page.locator("#block-done").filter({ hasText: "Gesperrt bis" }).waitFor({ timeout: LIVE_MS });
  assert.equal(await page.locator("#block-form").isVisible(), false);
  const text = await page.locator("main").innerText();
  assert.ok(!/\+?49\s?30/.test(text), "the page never shows a number");
  await page.screenshot({ path: join(env.ARTIFACTS, "counsellor-block.png"), fullPage: true });
  await control("/hangup/CA0000000000000000000000000000b001");
  await page.locator("#block").filter({ hasText: "letztes Gespräch" }).waitFor({ timeout: 3 * LIVE_MS });
});

await test("the same number's next call on the other instance hears the neutral message; another number does not", async () => {
  assert.equal(await heard("b", "CA0000000000000000000000000000b002", "caller"), "refused");
  assert.equal(await heard("b", "CA0000000000000000000000000000b003", "other"), "greeting");
  assert.equal(await heard("a", "CA0000000000000000000000000000b004", "caller"), "refused");
});

await test("the operator sees the ban without a number, and who set it", async () => {
  const op = await open(env.OPERATOR_TOKEN, { viewport: { width: 1024, height: 900 } });
  const row = op.page.locator("#ban-list li");
  await row.filter({ hasText: "Bedrohung" }).filter({ hasText: "von anna" }).waitFor({ timeout: 3 * LIVE_MS });
  assert.equal(await row.count(), 1);
  await op.page.locator("#bans-counts").filter({ hasText: "Aktive Sperren: 1" }).waitFor({ timeout: 3 * LIVE_MS });
  const text = await op.page.locator("main").innerText();
  assert.ok(!/\+?49\s?30\s?23/.test(text), "no number on the operator's page");
  await op.page.screenshot({ path: join(env.ARTIFACTS, "operator-bans.png") });
  await op.context.close();
});

await test("the ban ends after its duration", async () => {
  await control(`/advance/${24 * 3600 + 1}`);
  assert.equal(await heard("b", "CA0000000000000000000000000000b005", "caller"), "greeting");
});

await test("a second call, blocked with the default duration; the operator lifts the ban on the page", async () => {
  // A day has passed: Anna's session and lease ended; she signs in again.
  await anna.context.close();
  anna = await open(env.ANNA_TOKEN);
  const { page } = anna;
  await page.getByRole("button", { name: "Verfügbar" }).click();
  await page.locator('#status[data-status="available"]').waitFor({ timeout: LIVE_MS });
  assert.deepEqual(await control("/answer/CA0000000000000000000000000000b006/second"), { bridged: true });
  await page.locator("#block").filter({ hasText: "aktuelles Gespräch" }).waitFor({ timeout: 3 * LIVE_MS });
  assert.equal(await page.getByLabel("Dauer in Tagen").inputValue(), "30", "block_days by default");
  await page.getByLabel("Grund").selectOption("harassment");
  await page.getByRole("button", { name: "Anrufer sperren" }).click();
  await page.locator("#block-done").filter({ hasText: "Gesperrt bis" }).waitFor({ timeout: LIVE_MS });
  assert.equal(await heard("b", "CA0000000000000000000000000000b007", "second"), "refused");
  const op = await open(env.OPERATOR_TOKEN, { viewport: { width: 1024, height: 900 } });
  const row = op.page.locator("#ban-list li").filter({ hasText: "Belästigung" });
  await row.waitFor({ timeout: 3 * LIVE_MS });
  await row.getByRole("button", { name: /^Sperre [0-9a-f]{8} aufheben$/ }).click();
  await op.page.locator("#ban-list li").waitFor({ state: "detached", timeout: 3 * LIVE_MS });
  assert.equal(await heard("b", "CA0000000000000000000000000000b008", "second"), "greeting");
  await op.context.close();
});

await test("a flood from one number is limited after six calls within the hour", async () => {
  for (let i = 1; i <= 6; i += 1) {
    assert.equal(await heard("a", `CA0000000000000000000000000000f00${i}`, "flooder"), "greeting", `call ${i}`);
  }
  assert.equal(await heard("a", "CA0000000000000000000000000000f007", "flooder"), "refused");
  assert.equal(await heard("b", "CA0000000000000000000000000000f008", "other"), "greeting");
});

await anna.context.close();
await finish();
