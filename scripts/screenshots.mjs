// Takes the README's screenshots from a running server:
//   source scripts/env.sh && node scripts/screenshots.mjs http://127.0.0.1:3000 LOGIN PASSWORD
import { chromium } from "@playwright/test";

const [base = "http://127.0.0.1:3000", login, password] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.GEODAE_CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
const hydrated = () => page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());

let wasm = hydrated();
await page.goto(`${base}/inscription`);
await wasm;
await page.fill("#last_name", "Test");
await page.fill("#first_name", "Marie");
await page.fill("#email", "contact@restosducoeur.org");
await page.selectOption("#organisation_kind", "entreprise_association");
await page.fill("#siren", "400461356");
await page.waitForFunction(() => document.querySelector("#company_name").value !== "");
await page.fill("#phone_number", "0696 20 12 34");
await page.locator("#phone_number").blur();
await page.waitForTimeout(300);
await page.screenshot({ path: "docs/inscription.png", fullPage: true });

if (login && password) {
  wasm = hydrated();
  await page.goto(`${base}/admin/connexion`);
  await wasm;
  await page.fill("#login", login);
  await page.fill("#password", password);
  await page.click("button[type=submit]");
  await page.waitForURL(`${base}/admin`);
  await page.waitForSelector("table");
  await page.screenshot({ path: "docs/tableau-de-bord.png", fullPage: true });
}
await browser.close();
