// The public pages as a phone on a slow network gets them, measured in Chromium (Playwright):
//   - bytes on the wire of a first visit (everything fetched until the network is idle) and of a second visit,
//     beside the same files' uncompressed size;
//   - time until the page is hydrated under the "slow 4G" profile (1.6 Mbit/s, 150 ms RTT, 4x CPU slowdown), on
//     the page's clock (from the navigation's start to the moment the page marks itself live), beside the time
//     the HTML alone takes on the same profile; and the same as the test harness sees it, which adds its own
//     round trips to a renderer slowed four times;
//   - a keystroke's validation message, in milliseconds, and the network calls it made, beside a field that only
//     echoes the key and beside a copy of the field whose plain listener makes the same changes to the page; and,
//     from a trace, the renderer's task for a keystroke and the page listeners' share of it, beside the echoing
//     field.
// Prints Markdown rows in the table of `make bench`; with GEODAE_BENCH_DETAIL=1, the files of each first visit.
//   node end2end/bench/browser.mjs http://127.0.0.1:3000
import { chromium } from "@playwright/test";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
// Each page with the target of its first visit on the wire, in KB.
const pages = [["/inscription", 240], ["/apropos", 200], ["/connexion", 280]];
const launch = {
  // Debian's Chromium, named once in scripts/env.sh.
  executablePath: process.env.GEODAE_CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
};
const slow4g = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

/** Counts the bytes received (headers and encoded bodies), the decoded bodies and the requests the server
 * answered (not the browser's cache), per CDP. */
async function meter(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const totals = { wire: 0, decoded: 0, requests: 0, files: [] };
  const sizes = new Map();
  const urls = new Map();
  // What the browser took from its cache (or from the page itself, `data:`) asked nothing of the server.
  const local = new Set();
  cdp.on("Network.requestServedFromCache", (e) => local.add(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    urls.set(e.requestId, e.response.url);
    if (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.url.startsWith("data:")) local.add(e.requestId);
  });
  cdp.on("Network.dataReceived", (e) => sizes.set(e.requestId, (sizes.get(e.requestId) ?? 0) + e.dataLength));
  cdp.on("Network.loadingFinished", (e) => {
    totals.wire += e.encodedDataLength;
    totals.decoded += sizes.get(e.requestId) ?? 0;
    if (local.has(e.requestId)) return;
    totals.requests += 1;
    totals.files.push([urls.get(e.requestId) ?? "?", e.encodedDataLength]);
  });
  return { cdp, totals };
}

/** With GEODAE_BENCH_DETAIL set, what a visit fetched, file by file, largest first (on stderr). */
function detail(path, visit) {
  if (!process.env.GEODAE_BENCH_DETAIL) return;
  console.error(`${path}:`);
  const fetched = visit.files.filter(([url]) => !url.startsWith("data:"));
  for (const [url, bytes] of fetched.sort((a, b) => b[1] - a[1])) {
    console.error(`  ${(bytes / 1000).toFixed(1).padStart(7)} KB  ${url.replace(base, "")}`);
  }
}

/** Waits for the page to be live, when it has code (a page without islands is the server's HTML alone). */
async function settled(page) {
  if (await page.locator("script[type=module]").count() > 0) {
    await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 60_000 });
  }
  await page.waitForLoadState("networkidle");
}

async function weight(browser, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const first = await meter(page);
  await page.goto(base + path);
  await settled(page);
  const firstVisit = { ...first.totals };
  await first.cdp.detach();
  const second = await meter(page);
  await page.goto(base + path);
  await settled(page);
  const secondVisit = { ...second.totals };
  await context.close();
  return { firstVisit, secondVisit };
}

/** Types a key in `input`: milliseconds from the key event to the next frame after `shown` changed. */
async function timeKey(page, input, shown) {
  await page.locator(input).focus();
  await page.evaluate(([input, shown]) => {
    window.__key = new Promise((resolve) => {
      let pressed = 0;
      document.querySelector(input).addEventListener("keydown", (e) => { pressed = e.timeStamp; }, { once: true });
      new MutationObserver((_, observer) => {
        observer.disconnect();
        requestAnimationFrame(() => resolve(performance.now() - pressed));
      }).observe(document.querySelector(shown), { childList: true, subtree: true, characterData: true });
      setTimeout(() => resolve(-1), 10_000);
    });
  }, [input, shown]);
  await page.keyboard.type("4");
  return page.evaluate(() => window.__key);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const p90 = (values) => [...values].sort((a, b) => a - b)[Math.ceil(values.length * 0.9) - 1];
// Keys typed for each series of a keystroke's message: the target is the median of the first ten, as it was
// first measured; the median of all thirty is printed beside it (a median of ten moves by a millisecond or more
// from one run to the next on these machines, and the browser optimises code that has run often).
const timedKeys = 30;

/** Types a key `n` times in `input` (each taken away again) under a trace: the median duration of the
 * renderer's task that handles the key (the browser's editing, the page's `input` listeners and the style and
 * layout they force) and of the listeners alone, in milliseconds. Unlike `timeKey`, it does not depend on
 * where the key falls between two frames. */
async function keyTasks(page, cdp, input, n) {
  await page.locator(input).focus();
  const events = [];
  const collect = (e) => events.push(...e.value);
  cdp.on("Tracing.dataCollected", collect);
  const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", { categories: "devtools.timeline,toplevel", transferMode: "ReportEvents" });
  for (let i = 0; i < n; i++) {
    await page.keyboard.type("4");
    await page.waitForTimeout(60);
    await page.keyboard.press("Backspace");
    await page.waitForTimeout(60);
  }
  await cdp.send("Tracing.end");
  await complete;
  cdp.off("Tracing.dataCollected", collect);
  const spans = events.filter((e) => e.ph === "X");
  const dispatched = (type) => spans.filter((e) => e.name === "EventDispatch" && e.args?.data?.type === type);
  const within = (outer, inner) => inner.tid === outer.tid && inner.ts >= outer.ts && inner.ts <= outer.ts + outer.dur;
  const tasks = spans.filter((e) => e.name === "ThreadControllerImpl::RunTask");
  const keys = dispatched("keypress");
  const inputs = dispatched("input");
  return {
    task: median(keys.map((k) => tasks.filter((t) => within(t, k)).reduce((longest, t) => Math.max(longest, t.dur), 0) / 1000)),
    listeners: median(keys.map((k) => (inputs.find((i) => within(k, i))?.dur ?? 0) / 1000)),
  };
}

/** Loads `path` in a new context on the slow profile, cache off: milliseconds until the page marked itself live,
 * on its clock and as the harness saw it, and the page, live and still on that profile. */
async function load(browser, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  // The page's clock when it marks itself live (`data-hydrated` on the root element): its loader sets it once
  // the islands are hydrated.
  await page.addInitScript(() => {
    const setAttribute = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (name, value) {
      if (name === "data-hydrated" && window.__hydrated === undefined) window.__hydrated = performance.now();
      return setAttribute.call(this, name, value);
    };
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", slow4g);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  const start = Date.now();
  await page.goto(base + path, { waitUntil: "commit" });
  await page.locator("html[data-hydrated]").waitFor({ state: "attached", timeout: 120_000 });
  const seen = Date.now() - start;
  const hydrated = await page.evaluate(() => window.__hydrated);
  return { context, page, cdp, hydrated, seen };
}

/** A phone number one digit short typed in the field of id `field`, then the digit that completes it (its
 * message shows), taken away and typed again `timedKeys` times: the first message's time, then the others'. */
async function messages(page, field) {
  await page.locator(`#${field}`).fill("0696 20 12 3");
  const first = await timeKey(page, `#${field}`, `#${field}-messages`);
  const times = [];
  for (let i = 0; i < timedKeys; i++) {
    await page.keyboard.press("Backspace");
    await page.waitForTimeout(100);
    times.push(await timeKey(page, `#${field}`, `#${field}-messages`));
  }
  return { first, times };
}

async function hydration(browser, path) {
  // Three first visits, each in a new context: their median (one is at the mercy of the machine's noise).
  const loads = [];
  for (let i = 0; i < 3; i++) {
    const visit = await load(browser, path);
    loads.push(visit);
    if (i < 2) await visit.context.close();
  }
  const hydrated = median(loads.map((l) => l.hydrated));
  const seen = median(loads.map((l) => l.seen));
  const { context, page, cdp } = loads[2];
  // The anchor: the HTML alone, fetched by the page on the same profile.
  const htmlInPage = await page.evaluate(async (url) => {
    const t = performance.now();
    await (await fetch(url, { cache: "no-store" })).text();
    return performance.now() - t;
  }, base + path);
  // A keystroke in the phone field: from the key event to the next frame after the message changed, and the
  // network calls made meanwhile. The first message of the page is timed apart: it runs code paths for the first
  // time (the browser compiles WebAssembly functions when first called) and styles a new element. Then the message
  // is taken away (Backspace) and brought back, thirty times.
  let calls = 0;
  page.on("request", () => { calls += 1; });
  const { first: keystroke, times: keystrokes } = await messages(page, "phone_number");
  // The message as the form shows it, for the second anchor below.
  const message = await page.locator("#phone_number-messages").textContent();
  // The same keys' work in the renderer, before the field is ever left: once left, its errors show while typing
  // and a key only changes the message's text.
  await page.keyboard.press("Backspace");
  const tasks = await keyTasks(page, cdp, "#phone_number", 15);
  // The second anchor: a copy of the phone field beside it, in the same fieldset, whose plain listener makes the
  // DOM changes the form's field makes when its error shows and goes (the group's and the input's classes,
  // `aria-invalid`, the message itself, with the form's text): what this look costs a key in the browser, whatever
  // writes it. The gap between it and the form's field is the application's own share.
  await page.evaluate((message) => {
    const element = document.getElementById("phone_number").closest(".fr-fieldset__element");
    const copy = element.cloneNode(true);
    for (const node of copy.querySelectorAll("[id]")) node.id = `bench-${node.id}`;
    for (const node of copy.querySelectorAll("[name]")) node.removeAttribute("name");
    element.after(copy);
    const input = copy.querySelector("#bench-phone_number");
    const group = copy.querySelector(".fr-input-group");
    const messages = copy.querySelector("#bench-phone_number-messages");
    input.addEventListener("input", () => {
      const error = input.value.replace(/[^0-9]/g, "").length >= 10;
      if (error === group.classList.contains("fr-input-group--error")) return;
      group.className = error ? "fr-input-group fr-input-group--error" : "fr-input-group";
      input.className = error ? "fr-input fr-input--error" : "fr-input";
      input.setAttribute("aria-invalid", String(error));
      if (error) {
        const p = document.createElement("p");
        p.className = "fr-message fr-message--error";
        p.id = "bench-phone_number-error";
        p.textContent = message;
        messages.append(p);
      } else {
        messages.replaceChildren();
      }
    });
  }, message);
  const { times: plains } = await messages(page, "bench-phone_number");
  // The page as it was for the anchor that follows.
  await page.evaluate(() => document.getElementById("bench-phone_number").closest(".fr-fieldset__element").remove());
  // The anchor: the same measure on a field of the same page whose listener only writes the typed text (the
  // browser's own cost of a key, a DOM change and a frame on this profile).
  await page.evaluate(() => {
    const input = document.createElement("input");
    input.id = "bench-anchor";
    const echo = document.createElement("p");
    echo.id = "bench-echo";
    input.addEventListener("input", () => { echo.textContent = input.value; });
    document.body.append(input, echo);
  });
  const bares = [];
  for (let i = 0; i < 11; i++) {
    bares.push(await timeKey(page, "#bench-anchor", "#bench-echo"));
    await page.waitForTimeout(100);
  }
  // The same keys' work in the renderer, in the echoing field.
  const bareTasks = await keyTasks(page, cdp, "#bench-anchor", 15);
  const bare = median(bares);
  const plain = median(plains);
  const first = keystrokes.slice(0, 10);
  const later = { median: median(first), p90: p90(first), all: median(keystrokes) };
  await context.close();
  return { hydrated, seen, htmlInPage, keystroke, later, bare, plain, calls, tasks, bareTasks };
}

const browser = await chromium.launch(launch);
const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const ms = (n) => `${Math.round(n)} ms`;
const row = (measure, value, anchor, ratio) =>
  console.log(`| ${measure} | ${value} | – | ${anchor} | ${ratio} | – |`);
for (const [path, target] of pages) {
  const { firstVisit, secondVisit } = await weight(browser, path);
  detail(path, firstVisit);
  detail(`${path} (second visit)`, secondVisit);
  row(`${path} first visit on the wire (target < ${target} KB), ${firstVisit.requests} requests`,
      kb(firstVisit.wire), `${kb(firstVisit.decoded)} uncompressed`, (firstVisit.wire / firstVisit.decoded).toFixed(2));
  row(`${path} second visit on the wire (target: the page alone), ${secondVisit.requests} request(s)`,
      kb(secondVisit.wire), `${kb(firstVisit.wire)} first visit`, (secondVisit.wire / firstVisit.wire).toFixed(2));
}
// The keystroke part types into the page before the measurement starts: run it on the form.
const slow = await hydration(browser, "/inscription");
row("/inscription hydrated on slow 4G, 4x CPU, the page's clock, median of 3 first visits (target < 2.0 s)", ms(slow.hydrated),
    `${ms(slow.htmlInPage)} the HTML alone`, (slow.hydrated / slow.htmlInPage).toFixed(2));
row("the same as the test harness sees it (from its call to the attribute found), median of 3", ms(slow.seen),
    `${ms(slow.hydrated)} the page's clock`, (slow.seen / slow.hydrated).toFixed(2));
row(`a keystroke's validation message, same profile, median of 10 (target < 12 ms, no request): ${slow.calls} request(s)`,
    `${slow.later.median.toFixed(1)} ms (p90 ${slow.later.p90.toFixed(1)} ms; median of ${timedKeys}: ${slow.later.all.toFixed(1)} ms)`,
    `${slow.bare.toFixed(1)} ms a field that only echoes the key (median of 11)`,
    (slow.later.median / slow.bare).toFixed(2));
row(`the same message shown by a plain listener on a copy of the field (the same DOM changes, the DSFR's look), median of ${timedKeys}`,
    `${slow.plain.toFixed(1)} ms`, `${slow.later.all.toFixed(1)} ms the form's field, median of ${timedKeys}`,
    (slow.later.all / slow.plain).toFixed(2));
row(`a keystroke's task in the renderer, same profile, median of 15 (the page's input listeners: ${slow.tasks.listeners.toFixed(1)} ms)`,
    `${slow.tasks.task.toFixed(1)} ms`, `${slow.bareTasks.task.toFixed(1)} ms the echoing field's`,
    (slow.tasks.task / slow.bareTasks.task).toFixed(2));
row("the page's first validation message, same profile (first run of its code)", `${slow.keystroke.toFixed(1)} ms`,
    `${slow.bare.toFixed(1)} ms the echoing field`, (slow.keystroke / slow.bare).toFixed(2));
await browser.close();
