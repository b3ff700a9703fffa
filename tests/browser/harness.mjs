// What both browser scripts (run.mjs, block.mjs) share: the environment
// the Rust side sets, the control server, Debian's chromium, fresh phone-size
// pages whose script errors and CSP violations are collected, and a tiny
// TAP-like runner that stops at the first failure.

import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const env = process.env;
export const LIVE_MS = 2000; // "within two seconds of a change"
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

/// Fails early, with the way to run it, when started by hand.
export function requireEnv(names) {
  for (const name of names) {
    if (!env[name]) throw new Error(`${name} is not set: run this through cargo test --test browser`);
  }
}

/// The control server of tests/browser/*.rs: plays callers, moves the clock.
export async function control(path, method = "POST") {
  const resp = await fetch(env.CONTROL_URL + path, { method });
  assert.equal(resp.status, 200, `control ${path}`);
  return resp.json();
}

export async function signIn(page, token) {
  await page.getByLabel("Ihr Zugangsschlüssel").fill(token);
  await page.getByRole("button", { name: "Anmelden" }).click();
}

/// Starts chromium; `open` gives a fresh browser context (own cookies) with
/// one page on lotse's sign-in; `test` runs one named check; `finish`
/// closes the browser and fails on any page error or CSP violation seen.
export async function launch() {
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const problems = [];

  async function open(options = PHONE) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(m.text());
    });
    await page.goto(env.LOTSE_URL + "/");
    await page.locator("#signin").waitFor();
    return { context, page };
  }

  let step = 0;
  async function test(name, body) {
    step += 1;
    try {
      await body();
      console.log(`ok ${step} - ${name}`);
    } catch (e) {
      console.log(`not ok ${step} - ${name}\n${e.stack}`);
      await browser.close();
      process.exit(1);
    }
  }

  async function finish() {
    await browser.close();
    assert.deepEqual(problems, [], "no script errors and no CSP violations");
    console.log("all browser tests passed");
  }

  return { browser, open, test, finish };
}
