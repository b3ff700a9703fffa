// The counsellor page in Debian's chromium (issue 6). Started by
// tests/browser/main.rs, which runs lotse on a real redis-server and a
// control server that plays the caller and moves lotse's clock. Exits 1 at
// the first failure; prints "all browser tests passed" at the end.

import assert from "node:assert/strict";
import { join } from "node:path";
import { buttonNames, countOnScreen, focusRingsContrast } from "./checks.mjs";
import { control, env, launch, LIVE_MS, PHONE, requireEnv, signIn } from "./harness.mjs";

requireEnv(["LOTSE_URL", "CONTROL_URL", "ANNA_TOKEN", "OPERATOR_TOKEN", "ARTIFACTS", "TTL_S"]);
const LOTSE = env.LOTSE_URL;
const TTL_S = Number(env.TTL_S);

async function api(path, token) {
  const resp = await fetch(LOTSE + path, { headers: { Authorization: `Bearer ${token}` } });
  return { status: resp.status, body: await resp.json() };
}

const { open, test, finish } = await launch();

const showsStatus = (page, status, timeout = LIVE_MS) =>
  page.locator(`#status[data-status="${status}"]`).waitFor({ timeout });

/// A phone-size picture of what the screen shows now (no scrolling), for
/// docs/page/ (README "The counsellor page").
const shot = (page, name) => page.screenshot({ path: join(env.ARTIFACTS, `page-${name}.png`) });

let anna;

await test("wrong token → a clear message, no session, the typed key kept", async () => {
  const { context, page } = await open();
  await shot(page, "signin");
  const rings = await focusRingsContrast(page);
  assert.ok(rings.includes("lang") && rings.includes("token"), `${rings}`);
  await signIn(page, "not-a-valid-token");
  const error = page.locator("#signin-error");
  await error.filter({ hasText: "nicht gültig" }).waitFor({ timeout: LIVE_MS });
  assert.equal(await page.locator("#token").inputValue(), "not-a-valid-token", "a wrong key does not clear the field");
  await shot(page, "signin-wrong-key");
  assert.equal(await page.locator("#counsellor").isVisible(), false);
  assert.deepEqual(await context.cookies(), []);
  const session = await page.evaluate(async () => (await fetch("/session")).status);
  assert.equal(session, 401);
  assert.ok(!page.url().includes("not-a-valid-token"), "token never in the URL");
  await context.close();
});

await test("sign in, tap available → the page shows available and /api/v1/me agrees", async () => {
  anna = await open();
  const { context, page } = anna;
  await signIn(page, env.ANNA_TOKEN);
  await page.getByRole("heading", { name: "Hallo Anna" }).waitFor({ timeout: LIVE_MS });
  await showsStatus(page, "offline");
  await countOnScreen(page);
  await shot(page, "offline");
  assert.ok(!page.url().includes(env.ANNA_TOKEN), "token never in the URL");
  const [cookie] = await context.cookies();
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, "Strict");
  await page.getByRole("button", { name: "Verfügbar" }).click();
  await showsStatus(page, "available");
  assert.equal(await page.locator("#status-text").textContent(), "Verfügbar");
  const me = await api("/api/v1/me", env.ANNA_TOKEN);
  assert.equal(me.status, 200);
  assert.equal(me.body.status, "available");
  await page.locator("#hotline-open").filter({ hasText: "geöffnet" }).waitFor({ timeout: LIVE_MS });
  await page.locator("#hotline-waiting").filter({ hasText: "Beratende: 1" }).waitFor({ timeout: LIVE_MS });
  await page.screenshot({ path: join(env.ARTIFACTS, "counsellor-page.png"), fullPage: true });
  await countOnScreen(page);
  await shot(page, "available");
  const names = await buttonNames(page);
  for (const name of ["Verfügbar", "Pause", "Offline", "Abmelden", "English"]) {
    assert.ok(names.includes(name), `a button named exactly ${name}: ${names}`);
  }
  assert.ok(!names.some((n) => n.includes("✓")), `no check mark in a name: ${names}`);
  assert.equal(await page.getByRole("button", { name: "Verfügbar", exact: true }).getAttribute("aria-pressed"), "true");
  await focusRingsContrast(page);
  // English, and back.
  await page.getByRole("button", { name: "English" }).click();
  assert.equal(await page.locator("#status-text").textContent(), "Available");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  await page.getByRole("button", { name: "Deutsch" }).click();
});

await test("the open page keeps the lease alive past its TTL", async () => {
  const { page } = anna;
  const beats = [];
  page.on("request", (r) => r.url().endsWith("/api/v1/me/heartbeat") && beats.push(r.method()));
  await page.waitForTimeout((TTL_S * 1.5) * 1000);
  assert.ok(beats.length >= 3, `heartbeats sent: ${beats.length}`);
  assert.equal((await api("/api/v1/me", env.ANNA_TOKEN)).body.status, "available");
  await showsStatus(page, "available");
});

await test("lotse restarts on the same Redis → the page stays signed in and available", async () => {
  const { page } = anna;
  await control("/restart");
  // The open page carries on: same session, same CSRF token, no sign-in.
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await showsStatus(page, "away");
  await page.getByRole("button", { name: "Verfügbar", exact: true }).click();
  await showsStatus(page, "available");
  // A reload picks the session up from the new instance too.
  await page.reload();
  await page.getByRole("heading", { name: "Hallo Anna" }).waitFor({ timeout: LIVE_MS });
  await showsStatus(page, "available");
  assert.equal(await page.locator("#signin").isVisible(), false);
  assert.equal(await page.locator("#alarm").isVisible(), false);
  assert.equal((await api("/api/v1/me", env.ANNA_TOKEN)).body.status, "available");
});

await test("a signed incoming call that presses 1 rings this counsellor → ringing within 2 s", async () => {
  const { page } = anna;
  const rung = await control("/ring/CA00000000000000000000000000000001");
  assert.deepEqual(rung.ringing, ["anna"]);
  await showsStatus(page, "ringing");
  assert.equal(await page.locator("#status-text").textContent(), "Es klingelt");
  const hint = await page.locator("#status-hint").textContent();
  assert.equal(hint, "Ihr Telefon klingelt – nehmen Sie ab und drücken Sie die 1.");
  await countOnScreen(page);
  await shot(page, "ringing");
});

await test("the counsellor takes the call, a second caller waits → in call, the count shows 1 on screen", async () => {
  const { page } = anna;
  await control("/answer/CA00000000000000000000000000000001");
  await showsStatus(page, "in_call");
  assert.equal(await page.locator("#status-hint").textContent(), "", "the instruction only while ringing");
  const second = await control("/ring/CA00000000000000000000000000000003");
  assert.deepEqual(second.ringing, []);
  await page.locator("#hotline-waiting").filter({ hasText: "Warteschleife: 1" }).waitFor({ timeout: LIVE_MS });
  await countOnScreen(page);
  await shot(page, "in-call");
  await control("/hangup/CA00000000000000000000000000000001");
  await showsStatus(page, "wrap_up");
  await countOnScreen(page);
  await shot(page, "wrap-up");
  await control("/hangup/CA00000000000000000000000000000003");
  await showsStatus(page, "available", 8000); // wrap-up is 5 s in this world
});

await test("pause → away, the button named plainly", async () => {
  const { page } = anna;
  await page.getByRole("button", { name: "Pause", exact: true }).click();
  await showsStatus(page, "away");
  assert.equal(await page.getByRole("button", { name: "Pause", exact: true }).getAttribute("aria-pressed"), "true");
  assert.ok((await buttonNames(page)).includes("Pause"));
  await countOnScreen(page);
  await shot(page, "away");
  await page.getByRole("button", { name: "Verfügbar", exact: true }).click();
  await showsStatus(page, "available");
});

await test("the operator sets a counsellor offline → that counsellor's page shows offline", async () => {
  const op = await open({ viewport: { width: 1024, height: 768 } });
  await signIn(op.page, env.OPERATOR_TOKEN);
  const row = op.page.locator('#team li[data-id="anna"]');
  await row.and(op.page.locator('[data-status="available"]')).waitFor({ timeout: LIVE_MS });
  await op.page.locator("#op-waiting").filter({ hasText: "Warteschleife: 0" }).waitFor({ timeout: LIVE_MS });
  await op.page.locator('#team li[data-id="ben"] [data-pin-locked]').filter({ hasText: "PIN gesperrt bis" }).waitFor({ timeout: LIVE_MS });
  assert.equal(await op.page.locator('#team li[data-id="anna"] [data-pin-locked]').count(), 0);
  await op.page.getByRole("button", { name: "Anna offline setzen" }).click();
  await showsStatus(anna.page, "offline");
  await row.and(op.page.locator('[data-status="offline"]')).waitFor({ timeout: LIVE_MS });
  await op.page.screenshot({ path: join(env.ARTIFACTS, "operator-page.png") });
  const phone = await open();
  await signIn(phone.page, env.OPERATOR_TOKEN);
  await phone.page.locator('#team li[data-id="anna"]').waitFor({ timeout: LIVE_MS });
  await countOnScreen(phone.page, "op-waiting");
  await shot(phone.page, "operator");
  await phone.context.close();
  await op.page.getByRole("button", { name: "Abmelden" }).click();
  await op.page.locator("#signin").waitFor({ timeout: LIVE_MS });
  const session = await op.page.evaluate(async () => (await fetch("/session")).status);
  assert.equal(session, 401, "signed out for real");
  await op.context.close();
});

await test("signing out says so calmly, not as an error", async () => {
  const { context, page } = await open();
  await signIn(page, env.BEN_TOKEN);
  await page.getByRole("heading", { name: "Hallo Ben" }).waitFor({ timeout: LIVE_MS });
  await page.getByRole("button", { name: "Abmelden" }).click();
  const note = page.locator("#signin-note");
  await note.filter({ hasText: "Sie sind abgemeldet." }).waitFor({ timeout: LIVE_MS });
  assert.equal(await page.locator("#signin-error").textContent(), "");
  assert.equal(await note.getAttribute("role"), "status");
  const colour = await note.evaluate((el) => getComputedStyle(el).color);
  const red = await page.evaluate(() => {
    const probe = document.createElement("p");
    probe.className = "error";
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  });
  assert.notEqual(colour, red, "the note is not styled as an error");
  await shot(page, "signed-out");
  await context.close();
});

/// Records vibration requests instead of vibrating (headless has no motor).
const recordVibrations = (page) =>
  page.evaluate(() => {
    window.vibrations = [];
    navigator.vibrate = (pattern) => window.vibrations.push(pattern) > 0;
  });

await test("the lease lapses while the page sleeps → a full-width alarm, a vibration, one tap to come back", async () => {
  const { page } = anna;
  await page.getByRole("button", { name: "Verfügbar", exact: true }).click();
  await showsStatus(page, "available");
  assert.equal(await page.locator("#alarm").isVisible(), false, "no alarm for a chosen status");
  await recordVibrations(page);
  // No heartbeat gets through (as from a device asleep), and time passes.
  await page.route("**/api/v1/me/heartbeat", (route) => route.abort());
  await control(`/advance/${TTL_S + 1}`);
  await showsStatus(page, "offline");
  const alarm = page.locator("#alarm");
  await alarm.filter({ hasText: "Sie sind nicht mehr verfügbar" }).waitFor({ timeout: LIVE_MS });
  assert.equal(await alarm.getAttribute("role"), "alert");
  const box = await alarm.boundingBox();
  assert.equal(Math.round(box.width), PHONE.viewport.width, "full width");
  assert.ok(box.y < 100, `at the top: y = ${box.y}`);
  assert.equal(await page.evaluate(() => window.vibrations.length), 1);
  await page.screenshot({ path: join(env.ARTIFACTS, "alarm-lapsed.png") });
  await page.unroute("**/api/v1/me/heartbeat");
  await page.getByRole("button", { name: "Wieder verfügbar" }).click();
  await showsStatus(page, "available");
  assert.equal(await alarm.isVisible(), false);
});

await test("the session ends elsewhere → the open page raises the signed-out alarm", async () => {
  const { context, page } = anna;
  await recordVibrations(page);
  // The same browser signs out in a second tab: the first is not told.
  const other = await context.newPage();
  await other.goto(LOTSE + "/");
  await other.getByRole("heading", { name: "Hallo Anna" }).waitFor({ timeout: LIVE_MS });
  await other.getByRole("button", { name: "Abmelden" }).click();
  await other.locator("#signin").waitFor({ timeout: LIVE_MS });
  await other.close();
  const alarm = page.locator("#alarm");
  await alarm.filter({ hasText: "Sie sind abgemeldet" }).waitFor({ timeout: LIVE_MS });
  await page.locator("#signin").waitFor({ timeout: LIVE_MS });
  assert.equal(await page.evaluate(() => window.vibrations.length), 1);
  await page.screenshot({ path: join(env.ARTIFACTS, "alarm-signed-out.png") });
  await signIn(page, env.ANNA_TOKEN);
  await page.getByRole("heading", { name: "Hallo Anna" }).waitFor({ timeout: LIVE_MS });
  assert.equal(await alarm.isVisible(), false);
});

await test("close the page → after the lease TTL the counsellor is no longer rung", async () => {
  const { context, page } = anna;
  await page.getByRole("button", { name: "Verfügbar" }).click();
  await showsStatus(page, "available");
  await context.close();
  await control(`/advance/${TTL_S + 1}`);
  const rung = await control("/ring/CA00000000000000000000000000000002");
  assert.deepEqual(rung.ringing, []);
  assert.equal((await api("/api/v1/me", env.ANNA_TOKEN)).body.status, "offline");
  await control("/hangup/CA00000000000000000000000000000002");
});

await finish();
