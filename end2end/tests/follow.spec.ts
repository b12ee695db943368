import { test, expect, checkPage } from "./fixtures";
import { emailsTo, followLink } from "./mail";

test("an applicant follows the request from the email's link, then withdraws it", async ({ page }) => {
  const email = `suivi-${Date.now()}@exemple-e2e.fr`;
  const sent = await page.request.post("/api/v1/registrations", {
    data: {
      profile: "api",
      last_name: "Suivi",
      first_name: "Paul",
      email,
      organisation_kind: "entreprise_association",
      siren: "356000000",
      siret: "",
      company_name: "",
      phone_prefix: "+33",
      phone_number: "01 23 45 67 89",
    },
  });
  expect(sent.status()).toBe(202);
  const [acknowledgement] = await emailsTo(email, "transmise");
  const link = followLink(acknowledgement);

  // The link: the reference, the status, the steps, what was sent.
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  await page.goto(link);
  await wasm;
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Suivre ma demande de compte API");
  await expect(page.locator("#follow-status")).toHaveText("En attente");
  await expect(page.locator(".follow-steps")).toContainText("Demande déposée");
  await expect(page.locator(".follow-sent")).toContainText("356000000");
  await checkPage(page);

  // Withdrawn, after a confirmation, with the keyboard.
  await page.getByRole("button", { name: "Retirer ma demande" }).click();
  await expect(page.getByRole("button", { name: "Confirmer le retrait" })).toBeFocused();
  await checkPage(page);
  await page.keyboard.press("Enter");
  await expect(page.locator("#follow-status")).toHaveText("Retirée");
  await expect(page.locator(".follow-steps")).toContainText("Demande retirée");
  await expect(page.getByRole("link", { name: "Déposer une nouvelle demande" })).toBeVisible();
  expect(await emailsTo(email, "retirée")).toHaveLength(1);
  await checkPage(page);

  // Without a working link: « J'ai perdu le lien » sends a new one.
  await page.goto("/demande/suivi");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.getByRole("heading", { name: "J'ai perdu le lien" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Recevoir un nouveau lien" }).click();
  await expect(page.locator("#lost-sent")).toBeVisible();
  await checkPage(page);
  const [again] = await emailsTo(email, "le lien pour suivre");
  expect(String(again.text)).toMatch(/\/demande\/suivi#cle=/);
});
