import { test as base, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/**
 * What every journey checks on its own, besides what it asserts:
 *
 * - every page runs under the Content Security Policy: whatever the browser refuses (it says so on the
 *   console) fails the test; `cspViolations` is what was refused, for a test that provokes a refusal;
 * - every page a journey visits is checked for accessibility (`checkPage`): axe-core with the WCAG 2.1 A and
 *   AA rules finds no violation of impact serious or critical, and the page reflows: no horizontal scrolling
 *   at 320 CSS pixels wide nor with its text at 200 %. A page visited and never checked fails the test.
 */

/** The route of an address: `/admin/demandes/12?x=1` → `/admin/demandes/:id`. */
export function route(url: string): string {
  return new URL(url).pathname.replace(/\/\d+(?=\/|$)/g, "/:id");
}

/** The pages visited and checked during one test, for each page watched. */
class Visits {
  visited = new Set<string>();
  checked = new Set<string>();
  /** Left at once by the page's own code (a signed-out visitor sent to sign in): nothing to check. */
  passing = new Set<string>();
}

let visits: Visits | undefined;

/** Counts the pages `page` shows from now on (the test's own `page` is watched from its start). */
export function watch(page: Page) {
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && frame.url().startsWith("http")) visits?.visited.add(route(frame.url()));
  });
}

/** A page the journey passes through without staying (its code sends elsewhere before it can be checked). */
export function passingThrough(path: string) {
  visits?.passing.add(path);
}

const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** Reads the widest thing past the right edge, if the page scrolls sideways. */
async function overflow(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const wide = [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > width + 1)
      .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className ? "." + String(e.className).split(" ")[0] : ""}`);
    return `${document.documentElement.scrollWidth} px wide in ${width}: ${wide.slice(0, 5).join(", ")}`;
  });
}

/**
 * Checks the page as it is now: axe (0 serious or critical violation; every violation is printed with its
 * impact), then the reflow at 320 px and with the text at 200 %, the viewport restored afterwards.
 */
export async function checkPage(page: Page) {
  const path = route(page.url());
  const results = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const found = results.violations.map((v) => `${v.impact} ${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
  console.log(`axe ${path}: ${found.length === 0 ? "no violation" : found.join("; ")}`);
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), `axe on ${path}`).toEqual([]);

  const viewport = page.viewportSize() ?? { width: 1280, height: 720 };
  await page.setViewportSize({ width: 320, height: 720 });
  const narrow = await overflow(page);
  await page.setViewportSize(viewport);
  expect(narrow, `${path} at 320 px`).toBeNull();
  await page.evaluate(() => document.documentElement.style.setProperty("font-size", "200%"));
  const zoomed = await overflow(page);
  await page.evaluate(() => document.documentElement.style.removeProperty("font-size"));
  expect(zoomed, `${path} with text at 200 %`).toBeNull();
  visits?.checked.add(path);
}

export const test = base.extend<{ cspViolations: string[]; accessibility: Visits }>({
  cspViolations: [
    async ({ page }, use) => {
      const violations: string[] = [];
      page.on("console", (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await use(violations);
      expect(violations, "Content Security Policy violations").toEqual([]);
    },
    { auto: true },
  ],
  accessibility: [
    async ({ page }, use) => {
      visits = new Visits();
      watch(page);
      const mine = visits;
      await use(mine);
      visits = undefined;
      const unchecked = [...mine.visited].filter((p) => !mine.checked.has(p) && !mine.passing.has(p));
      expect(unchecked, "pages visited and not checked for accessibility (checkPage)").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
