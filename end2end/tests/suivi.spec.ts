import { Page } from "@playwright/test";

import { test, expect, checkPage, watch } from "./fixtures";
import { reviewerPassword } from "../playwright.config";
import { emailsTo, followLink } from "./mail";

// A reviewer asks for a lasting phone number instead of refusing; the applicant corrects it from the email's
// link; the reviewer sees the change and validates. Runs last (files in name order): the requests of the other
// journeys keep their course.
async function openFollowPage(page: Page, link: string) {
  // A link differing from the address shown by its fragment only would not load the page again.
  await page.goto("about:blank");
  await page.goto(link);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.locator("#follow-status")).toBeVisible();
}

test("a reviewer asks for a lasting phone number, the applicant corrects it, the request is validated", async ({
  page,
  browser,
}) => {
  const stamp = Date.now();
  const email = `complement-${stamp}@exemple-e2e.fr`;

  // The applicant sends the form.
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  await page.goto("/inscription");
  await wasm;
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.locator("#last_name").fill("Lefebvre");
  await page.locator("#first_name").fill("Jeanne");
  await page.locator("#email").fill(email);
  await page.locator("#organisation_kind").selectOption("entreprise_association");
  await page.locator("#siren").fill("400461356");
  await expect(page.locator("#company_name")).toHaveValue("LES RESTAURANTS DU COEUR");
  await page.locator("#phone_number").fill("06 12 34 56 78");
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("Demande envoyée");
  await checkPage(page);

  // … and follows it from the acknowledgement.
  const [acknowledgement] = await emailsTo(email, "transmise");
  const reference = String(acknowledgement.text).match(/DAE-[0-9A-Z]{8}/)![0];
  await openFollowPage(page, followLink(acknowledgement));
  await expect(page.locator("#follow-status")).toHaveText("En attente");
  await checkPage(page);

  // A reviewer takes it and asks for a lasting number.
  // The reviewer in a browser of their own (no shared cookies with the applicant).
  const context = await browser.newContext();
  const reviewer = await context.newPage();
  watch(reviewer);
  const adminWasm = reviewer.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  await reviewer.goto("/admin/connexion");
  await adminWasm;
  await reviewer.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await checkPage(reviewer);
  await reviewer.getByLabel("Identifiant").fill("instructeur");
  await reviewer.getByLabel("Mot de passe").fill(reviewerPassword);
  await reviewer.getByRole("button", { name: "Se connecter" }).click();
  await expect(reviewer.getByRole("heading", { level: 1 })).toHaveText("Demandes de compte API");
  await reviewer.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(reviewer.locator(".admin-counts")).toBeVisible();
  await checkPage(reviewer);
  await reviewer.getByLabel("Rechercher").fill(reference);
  await reviewer.getByRole("button", { name: "Rechercher" }).click();
  await reviewer.locator("tbody tr", { hasText: reference }).getByRole("link").click();
  await expect(reviewer.getByRole("heading", { name: "Décision" })).toBeVisible();
  await reviewer.getByRole("button", { name: "Je m'en occupe" }).click();
  await expect(reviewer.locator("#taking")).toContainText("Vous vous occupez de cette demande");
  await reviewer.locator("label[for='complement-telephone_perenne']").click();
  await expect(reviewer.locator("#complement-telephone_perenne")).toBeChecked();
  await reviewer.locator("#complement-message").fill("Le standard de votre structure convient.");
  await checkPage(reviewer);
  await reviewer.getByRole("button", { name: "Demander un complément" }).click();
  await expect(reviewer.locator("#waiting-complement")).toContainText("attend la réponse du demandeur");
  await checkPage(reviewer);

  // The applicant corrects it from the email's link, with the form's own live checks.
  const [asked] = await emailsTo(email, "à compléter");
  expect(String(asked.text)).toContain("numéro de téléphone pérenne");
  await openFollowPage(page, followLink(asked));
  await expect(page.locator("#follow-status")).toHaveText("Complément demandé");
  await expect(page.locator("#complement-message")).toContainText("Le standard de votre structure convient.");
  await checkPage(page);
  const phone = page.locator("#phone_number");
  await expect(phone).toHaveValue("612345678");
  await phone.fill("0696 20 12 34");
  await expect(page.locator("#phone_number-messages")).toContainText("numéro en Martinique");
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  await phone.fill("01 45 67 89 10");
  await expect(phone).toHaveAttribute("aria-invalid", "false");
  const answer = page.getByLabel("Votre réponse à l'administrateur", { exact: false });
  await answer.fill("Voici le standard de l'association.");
  await answer.focus();
  await checkPage(page);
  // Sent with the keyboard: from the answer, the next stop is the send button.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Envoyer ma demande complétée" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#follow-status")).toHaveText("Complétée");
  // The focus goes to the new status, which a screen reader then reads.
  await expect(page.locator("#follow-status")).toBeFocused();
  await expect(page.locator(".follow-steps")).toContainText("Demande complétée");
  await checkPage(page);

  // The reviewer sees the change, field by field, and validates.
  await reviewer.reload();
  await reviewer.locator("html[data-hydrated]").waitFor({ state: "attached" });
  const thread = reviewer.locator(".exchange");
  await expect(thread).toContainText("Voici le standard de l'association.");
  await expect(thread.locator("tr", { hasText: "Numéro de téléphone" })).toContainText("+33612345678");
  await expect(thread.locator("tr", { hasText: "Numéro de téléphone" })).toContainText("+33145678910");
  await checkPage(reviewer);
  await reviewer.getByRole("button", { name: "Valider la demande" }).click();
  await reviewer.getByRole("button", { name: "Confirmer la validation" }).click();
  await expect(reviewer.locator(".fr-alert--success")).toContainText("Validée par instructeur");
  await checkPage(reviewer);
  await context.close();

  // The follow page says validated.
  await page.reload();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.locator("#follow-status")).toHaveText("Validée");
  await expect(page.getByRole("link", { name: "Recevoir un nouveau lien de mot de passe" })).toBeVisible();
  await checkPage(page);
});
