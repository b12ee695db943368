import { Page } from "@playwright/test";

import { test, expect, checkPage } from "./fixtures";
import { holdWebAssembly } from "./slow";

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
  await checkPage(page);
}

test("the landing page leads to the form", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/apropos$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Géo'DAE");
  // A page without interactive parts is the server's HTML alone.
  await expect(page.locator("html[data-hydrated]")).toHaveCount(0);
  await checkPage(page);
  await page.getByRole("link", { name: "S'inscrire" }).first().click();
  await expect(page).toHaveURL(/\/inscription$/);
  await expect(page.getByRole("heading", { name: "Création d'un compte" })).toBeVisible();
  await checkPage(page);
});

test("an applicant requests an API account", async ({ page }) => {
  const email = `contact-${Date.now()}@exemple-e2e.fr`;
  await openForm(page);

  // A wrong phone number is refused while typing, next to the field, and announced.
  const phone = page.getByLabel("Numéro de téléphone avec indicatif");
  await phone.fill("0696 20 12 34");
  await expect(page.locator("#phone_number-messages")).toContainText("numéro en Martinique");
  await expect(phone).toHaveAttribute("aria-invalid", "true");
  await checkPage(page);
  await page.locator("#phone_prefix").selectOption("+596");
  await expect(page.locator("#phone_number-messages")).toBeEmpty();
  await expect(phone).toHaveAttribute("aria-invalid", "false");

  // The prefix table opens from the information button.
  await page.getByRole("button", { name: "Informations sur les indicatifs" }).click();
  await expect(page.locator("#phone-prefixes")).toContainText("Polynésie Française");
  await checkPage(page);

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
  // The answer says where the email goes, nothing of the request (it would tell a stranger whether an
  // address is registered): the reference comes by email.
  await expect(dialog.locator("strong")).toHaveText(email);
  await expect(dialog.getByRole("button", { name: "OK" })).toBeFocused();
  await checkPage(page);
  await dialog.getByRole("button", { name: "OK" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.locator("#siren")).toHaveValue("");

  const emails = await emailsTo(email);
  expect(emails).toHaveLength(1);
  expect(emails[0].text).toContain("votre demande a été transmise aux administrateurs");
  expect(emails[0].text).toMatch(/Référence de la demande : DAE-[0-9A-Z]{8}/);
});

test("what is typed while the page's code is still loading is kept, and then checked", async ({ page }) => {
  // The WebAssembly arrives after the applicant has started typing.
  const release = await holdWebAssembly(page);
  await page.goto("/inscription", { waitUntil: "domcontentloaded" });
  await page.locator("#last_name").fill("Martin");
  await page.locator("#email").fill("claire.martin@");
  await page.locator("#siren").fill("400461356");
  await expect(page.getByRole("button", { name: "Valider" })).toBeDisabled();
  expect(await page.locator("html[data-hydrated]").count()).toBe(0);
  release();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.locator("#last_name")).toHaveValue("Martin");
  await expect(page.locator("#email")).toHaveValue("claire.martin@");
  // The page now works with what was typed: the SIREN is looked up, the email is checked on submit.
  await expect(page.locator("#company_name")).toHaveValue("LES RESTAURANTS DU COEUR");
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.locator("#email")).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#last_name")).toHaveAttribute("aria-invalid", "false");
  await checkPage(page);
});

test("SIREN spaces are removed and a ceased company is told why", async ({ page }) => {
  await openForm(page);
  const siren = page.locator("#siren");
  await siren.fill("883 010 316");
  await siren.blur();
  await expect(siren).toHaveValue("883010316");
  await expect(page.locator("#siren-messages")).toContainText("cessée");
  await checkPage(page);
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
  await checkPage(page);
});

test("an applicant who does not know the SIREN finds it by name, with the keyboard only", async ({ page }) => {
  const email = `clavier-${Date.now()}@exemple-e2e.fr`;
  await openForm(page);
  await page.locator("#last_name").focus();
  await page.keyboard.type("Clavier");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Jeanne");
  await page.keyboard.press("Tab");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await expect(page.locator("#organisation_kind")).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(page.locator("#organisation_kind")).toHaveValue("entreprise_association");
  await page.keyboard.press("Tab");
  await expect(page.locator("#siren")).toBeFocused();

  // The disclosure button under the SIREN field opens the search and moves the focus into it.
  await page.keyboard.press("Tab");
  const toggle = page.getByRole("button", { name: "Vous ne connaissez pas votre SIREN ? Recherchez par nom" });
  await expect(toggle).toBeFocused();
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  const combobox = page.getByRole("combobox", { name: "Nom de la structure" });
  await expect(combobox).toBeFocused();

  // Too short, then words with accents and another case: results are announced.
  await page.keyboard.type("re");
  await expect(page.locator("#company-search-status")).toContainText("au moins 3 lettres");
  await page.keyboard.type("staurants du cœur");
  const listbox = page.getByRole("listbox", { name: "Nom de la structure" });
  await expect(listbox.getByRole("option").first()).toContainText("LES RESTAURANTS DU COEUR");
  await expect(page.locator("#company-search-status")).toContainText("trouvée");
  await expect(combobox).toHaveAttribute("aria-expanded", "true");
  await checkPage(page);

  // Escape closes the list, the arrow opens it again and visits the first option.
  await page.keyboard.press("Escape");
  await expect(combobox).toHaveAttribute("aria-expanded", "false");
  await expect(listbox).toBeHidden();
  await page.keyboard.press("ArrowDown");
  await expect(combobox).toHaveAttribute("aria-expanded", "true");
  const first = listbox.getByRole("option").first();
  await expect(first).toHaveAttribute("aria-selected", "true");
  await expect(combobox).toHaveAttribute("aria-activedescendant", (await first.getAttribute("id"))!);

  // Enter picks it: the SIREN is filled, the register fills the raison sociale, the focus is back on the SIREN.
  await page.keyboard.press("Enter");
  await expect(page.locator("#siren")).toHaveValue("400461356");
  await expect(page.locator("#siren")).toBeFocused();
  await expect(page.locator("#company_name")).toHaveValue("LES RESTAURANTS DU COEUR");
  await expect(page.getByRole("dialog")).toHaveCount(0);

  // On to the phone number with Tab, and Enter submits.
  for (let i = 0; i < 12; i++) {
    if (await page.locator("#phone_number").evaluate((e) => e === document.activeElement)) break;
    await page.keyboard.press("Tab");
  }
  await expect(page.locator("#phone_number")).toBeFocused();
  await page.keyboard.type("01 23 45 67 89");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("Demande envoyée");
  await expect(dialog.getByRole("button", { name: "OK" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  const emails = await emailsTo(email);
  expect(emails).toHaveLength(1);
});

test("without WebAssembly nothing typed can leave in an address", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  for (const path of ["/inscription", "/connexion", "/compte/mot-de-passe-oublie"]) {
    await page.goto(path);
    const form = page.locator("form").first();
    await expect(form).toHaveAttribute("method", "post");
    // Until the page runs, the form cannot be sent at all.
    await expect(form.locator('button[type="submit"]')).toBeDisabled();
  }
  await context.close();
});

test("the page runs under a policy that only allows its own scripts", async ({ page, cspViolations }) => {
  await openForm(page);
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  const nonce = /'nonce-([^']+)'/.exec(policy ?? "")?.[1];
  expect(nonce, policy ?? "no policy").toBeTruthy();
  expect(policy).toContain("'wasm-unsafe-eval'");
  expect(policy).not.toContain("unsafe-inline");
  // The hydration ran: its script carried this response's nonce.
  await expect(page.locator(`script[nonce]`).first()).toBeAttached();
  // An injected inline script does not run, and the refusal is seen.
  const ran = await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__injected = true;";
    document.head.appendChild(script);
    return (window as any).__injected === true;
  });
  expect(ran).toBe(false);
  await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
  cspViolations.length = 0;
  // A new nonce for each response.
  await page.reload();
  const again = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(again).not.toEqual(policy);
});

test("past the flood limit, the form says when to try again and keeps what was typed", async ({ page, request }) => {
  // A client address of its own, which scripted twenty requests within the hour (the default allowance).
  const from = `198.51.100.${20 + Math.floor(Math.random() * 200)}`;
  const stamp = Date.now();
  for (let i = 0; i < 20; i++) {
    const created = await request.post("/api/v1/registrations", {
      headers: { "x-forwarded-for": from },
      data: {
        profile: "api", last_name: "Rafale", first_name: "Paul", email: `rafale-${stamp}-${i}@exemple-e2e.fr`,
        organisation_kind: "entreprise_association", siren: "356000000", siret: "",
        company_name: "", phone_prefix: "+33", phone_number: "01 23 45 67 89",
      },
    });
    expect(created.status()).toBe(202);
  }

  await page.setExtraHTTPHeaders({ "x-forwarded-for": from });
  await openForm(page);
  await page.locator("#last_name").fill("Martin");
  await page.locator("#first_name").fill("Claire");
  await page.locator("#email").fill(`rafale-${stamp}-form@exemple-e2e.fr`);
  await page.locator("#organisation_kind").selectOption("entreprise_association");
  await page.locator("#siren").fill("400461356");
  await expect(page.locator("#company_name")).toHaveValue("LES RESTAURANTS DU COEUR");
  await page.locator("#phone_number").fill("01 23 45 67 89");
  await page.getByRole("button", { name: "Valider" }).click();
  await expect(page.locator("#form-alert")).toContainText(
    "Trop de demandes envoyées depuis votre connexion : réessayez dans 60 minutes.",
  );
  await expect(page.getByRole("alertdialog")).toBeHidden();
  await expect(page.locator("#siren")).toHaveValue("400461356");
  await checkPage(page);
});

/** What has the focus: its id, or its accessible text. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return "(body)";
    return e.id || e.getAttribute("aria-label") || e.textContent!.trim().replace(/\s+/g, " ").slice(0, 40);
  });
}

/** The focused element shows it: an outline or a ring drawn around it. */
async function focusVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement;
    const style = getComputedStyle(e);
    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
  });
}

test("with the keyboard only, an applicant goes through the form, is led to each error, and sends it", async ({ page }) => {
  const email = `tabulation-${Date.now()}@exemple-e2e.fr`;
  await openForm(page);
  // The skip link comes first and leads to the content.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Contenu" })).toBeFocused();
  await page.keyboard.press("Enter");

  // Tab visits the form's controls in the order they are shown, each with a visible focus.
  const controls = await page.locator("form").evaluate((form) =>
    [...form.querySelectorAll<HTMLElement>("input, select, textarea, button, a[href]")]
      .filter((e) => !(e as HTMLButtonElement).disabled && e.tabIndex >= 0 && e.getClientRects().length > 0)
      .map((e) => e.id || e.getAttribute("aria-label") || e.textContent!.trim().replace(/\s+/g, " ").slice(0, 40)),
  );
  expect(controls.slice(0, 3)).toEqual(["profile", "last_name", "first_name"]);
  const visited: string[] = [];
  for (let i = 0; i < 40 && visited.length < controls.length; i++) {
    // The first Tab after the skip link lands on the form's first field.
    await page.keyboard.press("Tab");
    const now = await focused(page);
    visited.push(now);
    expect(await focusVisible(page), `focus visible on ${now}`).toBe(true);
  }
  expect(visited).toEqual(controls);
  await expect(page.getByRole("button", { name: "Valider" })).toBeFocused();

  // Sent empty: the focus goes to the summary, which lists each error with a link to its field.
  await page.keyboard.press("Enter");
  const summary = page.locator("#error-summary");
  await expect(summary).toBeFocused();
  await expect(summary.getByRole("heading")).toHaveText(/Le formulaire contient \d+ erreurs/);
  const links = summary.getByRole("link");
  expect(await links.count()).toBeGreaterThanOrEqual(5);
  await expect(links.first()).toHaveAttribute("href", "#last_name");
  await checkPage(page);
  await page.keyboard.press("Tab");
  await expect(links.first()).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#last_name")).toBeFocused();
  await expect(page.locator("#last_name")).toHaveAttribute("aria-invalid", "true");

  await page.keyboard.type("Tabulation");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Paul");
  await page.keyboard.press("Tab");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator("#organisation_kind")).toHaveValue("entreprise_association");
  await page.keyboard.press("Tab");
  await page.keyboard.type("400461356");
  await expect(page.locator("#company_name")).toHaveValue("LES RESTAURANTS DU COEUR");

  // The prefix help opens and closes with the keyboard: Enter, Escape, Space.
  const help = page.getByRole("button", { name: "Informations sur les indicatifs" });
  for (let i = 0; i < 10 && !(await help.evaluate((e) => e === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(help).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#phone-prefixes")).toBeVisible();
  await expect(help).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("Escape");
  await expect(page.locator("#phone-prefixes")).toBeHidden();
  await page.keyboard.press("Space");
  await expect(page.locator("#phone-prefixes")).toBeVisible();
  await page.keyboard.press("Space");
  await expect(page.locator("#phone-prefixes")).toBeHidden();

  await page.keyboard.press("Tab");
  await expect(page.locator("#phone_prefix")).toBeFocused();
  await page.keyboard.press("Tab");
  await page.keyboard.type("01 23 45 67 89");
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText("Demande envoyée");
  await expect(summary).toBeHidden();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  expect(await emailsTo(email)).toHaveLength(1);
});

test("the public pages pass the accessibility checks, the mandatory pages linked from every page", async ({ page }) => {
  for (const path of ["/apropos", "/connexion", "/compte/mot-de-passe-oublie", "/compte/identifiant-oublie", "/page-inconnue"]) {
    await page.goto(path);
    // The account's pages are live once their code has run; the others have none.
    if (path.startsWith("/co")) await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await checkPage(page);
  }
  // The phone prefix keeps its territory and code whole on a narrow phone.
  await page.setViewportSize({ width: 320, height: 720 });
  await openForm(page);
  const box = await page.locator("#phone_prefix").boundingBox();
  expect(box!.width).toBeGreaterThan(250);
  await page.setViewportSize({ width: 1280, height: 720 });

  // From the notice under the form to the personal data page, in the browser: the settings come from the server.
  await page.locator("#data-notice").getByRole("link", { name: "Données personnelles" }).click();
  await expect(page).toHaveURL(/\/donnees-personnelles$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Données personnelles");
  await expect(page.locator("#retention")).toContainText("365 jours après le refus");
  await checkPage(page);
  const footer = page.getByRole("contentinfo");
  await footer.getByRole("link", { name: "Mentions légales" }).click();
  await expect(page.getByRole("heading", { name: "Directeur de la publication" })).toBeVisible();
  await checkPage(page);
  await footer.getByRole("link", { name: "Accessibilité : non conforme" }).click();
  await expect(page.locator("#conformity")).toContainText("non conforme avec le référentiel général d'amélioration de l'accessibilité");
  await checkPage(page);
  // Loaded directly, each is whole.
  await page.reload();
  await expect(page.locator("#conformity")).toContainText("non conforme");
});
