// What the browser test checks on every page state (issue 13): the waiting
// count on a phone's first screen, nothing spilling out of its box, button
// names as the accessibility tree has them, and focus rings that contrast
// at least 3:1 with what is around them.

import assert from "node:assert/strict";

/// The waiting count is on screen without scrolling (a 390×844 phone).
export async function countOnScreen(page, id = "hotline-waiting") {
  const box = await page.evaluate((id) => {
    window.scrollTo(0, 0);
    const r = document.getElementById(id).getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, height: window.innerHeight, text: document.getElementById(id).textContent };
  }, id);
  assert.ok(box.text.length > 0, `#${id} is empty`);
  assert.ok(box.top >= 0 && box.bottom <= box.height, `#${id} at ${box.top}–${box.bottom}, screen ${box.height}`);
  const spill = await page.evaluate(() =>
    [...document.querySelectorAll("main *")].filter((el) => el.offsetParent && el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible" && el.clientWidth > 0).map((el) => el.id || el.className || el.tagName),
  );
  assert.deepEqual(spill, [], "nothing wider than its box");
}

/// Names of the buttons as Chromium's accessibility tree has them.
export async function buttonNames(page) {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  await cdp.detach();
  return nodes.filter((n) => n.role?.value === "button" && !n.ignored).map((n) => n.name?.value);
}

/// WCAG contrast of two CSS colours `rgb(r, g, b)`.
export function contrast(a, b) {
  const lum = (css) => {
    const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map(Number).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/// Tabs through every focusable element: each shows a focus ring whose
/// colour contrasts at least 3:1 with the background around it.
export async function focusRingsContrast(page) {
  await page.evaluate(() => document.activeElement?.blur());
  const seen = [];
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    const f = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      let bg = "rgb(255, 255, 255)";
      for (let up = el.parentElement; up; up = up.parentElement) {
        const c = getComputedStyle(up).backgroundColor;
        if (c !== "transparent" && !c.startsWith("rgba(0, 0, 0, 0")) {
          bg = c;
          break;
        }
      }
      const name = el.id || el.dataset.set || el.dataset.offline || el.tagName;
      return { name, ring: style.outlineStyle === "none" ? null : style.outlineColor, width: parseFloat(style.outlineWidth), bg };
    });
    if (!f || seen.includes(f.name)) break;
    seen.push(f.name);
    assert.ok(f.ring && f.width >= 2, `${f.name} shows no focus ring`);
    const ratio = contrast(f.ring, f.bg);
    assert.ok(ratio >= 3, `focus ring of ${f.name}: ${f.ring} on ${f.bg} is ${ratio.toFixed(2)}:1`);
  }
  assert.ok(seen.length >= 2, `tabbed through ${seen}`);
  return seen;
}
