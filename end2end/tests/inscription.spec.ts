import { test, expect, Page } from "@playwright/test";

const maildev = process.env.GEODAE_TEST_MAILDEV_URL ?? "http://127.0.0.1:1080";

async function emailsTo(address: string): Promise<any[]> {
  for (let i = 0; i < 60; i++) {
    const all = await (await fetch(`${maildev}/api/email`)).json();
    const mine = all.filter((m: any) => m.to.some((t: any) => t.address === address));
    if (mine.length > 0) return mine;
    await new Promise((r) => setTimeout(r, 250));
  }
  return [];
}

/** The page is interactive once the WebAssembly module has hydrated it. */
async function openForm(page: Page) {
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  await page.goto("/inscription");
  await wasm;
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.waitForLoadState("networkidle");
}

test("the landing page leads to the form", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/apropos$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Géo'DAE");
  await page.getByRole("link", { name: "S'inscrire" }).first().click();
  await expect(page).toHaveURL(/\/inscription$/);
  await expect(page.getByRole("heading", { name: "Création d'un compte" })).toBeVisible();
});

test("an applicant requests an API account", async ({ page }) => {
  const email = `contact-${Date.now()}@exemple-e2e.fr`;
  await openForm(page);

  // A wrong phone number is refused while typing, next to the field, and announced.
  const phone = page.getByLabel("Numéro de téléphone avec indicatif");
  await phone.fill("0696 20 12 34");
  await expect(page.locator("#phone_number-messages")).toContainText("numéro en Martinique");
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  await page.locator("#phone_prefix").selectOption("+596");
  await expect(page.locator("#phone_number-messages")).toBeEmpty();
  await expect(phone).toHaveAttribute("aria-invalid", "false");

  // The prefix table opens from the information button.
  await page.getByRole("button", { name: "Informations sur les indicatifs" }).click();
  await expect(page.locator("#phone-prefixes")).toContainText("Polynésie Française");

  await page.getByLabel("Nom", { exact: false }).first().fill("Test");
  await page.locator("#first_name").fill("Marie");
  await page.locator("#email").fill(email);
  await page.locator("#organisation_kind").selectOption("entreprise_association");

  // A SIREN from the shipped extract fills the raison sociale.
  await page.locator("#siren").fill("400461356");
  await expect(page.locator("#company_name")).toHaveValue("LES RESTAURANTS DU COEUR");
  await expect(page.locator("#company_name")).toHaveAttribute("readonly", "");

  await page.getByRole("button", { name: "Valider" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Demande envoyée");
  const reference = (await dialog.locator("strong").textContent())!.trim();
  expect(reference).toMatch(/^DAE-[0-9A-Z]{8}$/);
  await expect(dialog.getByRole("button", { name: "OK" })).toBeFocused();
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator("#siren")).toHaveValue("");

  const emails = await emailsTo(email);
  expect(emails).toHaveLength(1);
  expect(emails[0].text).toContain("votre demande a été transmise aux administrateurs");
  expect(emails[0].text).toContain(reference);
});

test("SIREN spaces are removed and a ceased company is told why", async ({ page }) => {
  await openForm(page);
  const siren = page.locator("#siren");
  await siren.fill("883 010 316");
  await siren.blur();
  await expect(siren).toHaveValue("883010316");
  await expect(page.locator("#siren-messages")).toContainText("cessée");
});

test("without WebAssembly, nothing validates live (control)", async ({ page }) => {
  await page.route("**/*.wasm", (route) => route.abort());
  await page.goto("/inscription");
  await page.waitForLoadState("networkidle");
  await page.locator("#phone_number").fill("0696 20 12 34");
  await page.locator("#siren").fill("400461356");
  await page.waitForTimeout(1000);
  await expect(page.locator("#phone_number-messages")).toBeEmpty();
  await expect(page.locator("#company_name")).toHaveValue("");
});
