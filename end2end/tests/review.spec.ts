import { Page } from "@playwright/test";

import { test, expect, checkPage, watch } from "./fixtures";
import { holdWebAssembly } from "./slow";

// Runs after inscription.spec.ts (files run in name order, one worker): the request submitted there is
// waiting in the dashboard.
const maildev = process.env.GEODAE_TEST_MAILDEV_URL ?? "http://127.0.0.1:1080";
const password = "instructeur-mot-de-passe-2026";
const adminPassword = "administratrice-mot-de-passe-2026";

async function emailsTo(address: string, subject: string): Promise<any[]> {
  for (let i = 0; i < 80; i++) {
    const all = await (await fetch(`${maildev}/api/email`)).json();
    const mine = all.filter(
      (m: any) => m.to.some((t: any) => t.address === address) && m.subject.includes(subject),
    );
    if (mine.length > 0) return mine;
    await new Promise((r) => setTimeout(r, 250));
  }
  return [];
}

async function signIn(page: Page, login = "instructeur", secret = password) {
  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  await page.goto("/admin");
  await wasm;
  // The dashboard finds no session and sends to the sign-in page: wait for that page to be live.
  await expect(page).toHaveURL(/\/admin\/connexion\?retour=%2Fadmin$/);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await checkPage(page);
  await page.getByLabel("Identifiant").fill(login);
  await page.getByLabel("Mot de passe").fill(secret);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demandes de compte API");
  await expect(page.locator(".admin-counts")).toBeVisible();
  await checkPage(page);
}

async function openRequest(page: Page, search: string) {
  await page.getByLabel("Rechercher").fill(search);
  await page.getByRole("button", { name: "Rechercher" }).click();
  const row = page.locator("tbody tr", { hasText: "En attente" }).first();
  await expect(row).toBeVisible();
  await row.getByRole("link").click();
  await expect(page).toHaveURL(/\/admin\/demandes\/\d+$/);
  await expect(page.getByRole("heading", { name: "Décision" })).toBeVisible();
  await checkPage(page);
}

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/admin/connexion");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await page.getByLabel("Identifiant").fill("instructeur");
  await page.getByLabel("Mot de passe").fill("pas le bon");
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page.locator("#signin-error")).toContainText("Identifiant ou mot de passe incorrect");
  await expect(page).toHaveURL(/\/admin\/connexion/);
  await checkPage(page);
});

test("what is typed while the page's code is still loading is kept", async ({ page }) => {
  const release = await holdWebAssembly(page);
  await page.goto("/admin/connexion", { waitUntil: "domcontentloaded" });
  await page.getByLabel("Identifiant").fill("instructeur");
  await page.getByLabel("Mot de passe").fill(password);
  await expect(page.getByRole("button", { name: "Se connecter" })).toBeDisabled();
  release();
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.getByLabel("Identifiant")).toHaveValue("instructeur");
  await checkPage(page);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demandes de compte API");
  await expect(page.locator(".admin-counts")).toBeVisible();
  await checkPage(page);
});

test("public pages never load the administrators' code; their space comes with its own bundle", async ({ page }) => {
  await signIn(page);
  const requests: string[] = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  // A page without islands is the server's HTML: no code at all. The form's page loads the public bundle.
  await page.goto("/apropos");
  await checkPage(page);
  expect(requests.filter((p) => p.endsWith(".wasm")), "no code on a static page").toEqual([]);
  await page.goto("/inscription");
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await checkPage(page);
  expect(requests.some((p) => /^\/pkg\/geodae\.[\w-]+\.wasm$/.test(p)), "the public bundle").toBe(true);
  expect(requests.filter((p) => p.startsWith("/pkg/back-office/")), "nothing of the back office").toEqual([]);

  // The link to the administrators' space loads their page and their bundle.
  requests.length = 0;
  await page.getByRole("link", { name: "Espace administrateurs" }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demandes de compte API");
  await expect(page.locator(".admin-counts")).toContainText("en attente");
  expect(requests).toContain("/admin");
  expect(requests.some((p) => /^\/pkg\/back-office\/geodae\.[\w-]+\.wasm$/.test(p)), "the back office's bundle").toBe(true);
  // The application's style sheet is the public build's, shared by every page.
  expect(requests.filter((p) => /^\/pkg\/geodae\.[\w-]+\.(js|wasm)$/.test(p)), "nothing of the public bundle").toEqual([]);
  await checkPage(page);

  // From there, a public page is loaded from the server (its code is not in this bundle).
  await page.getByRole("link", { name: "À propos" }).click();
  await expect(page).toHaveURL(/\/apropos$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator("html[data-hydrated]")).toHaveCount(0);
  await checkPage(page);
});

test("the built files are kept for good: a second visit asks for the page alone", async ({ page }) => {
  // What the server answered, not what the browser took from its cache (both are requests to Playwright).
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  const cached = new Set<string>();
  let asked: string[] = [];
  cdp.on("Network.requestServedFromCache", (e) => cached.add(e.requestId));
  cdp.on("Network.responseReceived", (e) => {
    const local = cached.has(e.requestId) || e.response.fromDiskCache || e.response.url.startsWith("data:");
    if (!local) asked.push(new URL(e.response.url).pathname);
  });
  for (const address of ["/inscription", "/admin/connexion"]) {
    await page.goto(address);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await checkPage(page);
    await page.goto("/apropos");
    await checkPage(page);
    // A new visit (not a reload, which revalidates by design).
    asked = [];
    await page.goto(address);
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await page.waitForLoadState("networkidle");
    expect(asked.filter((p) => !p.startsWith("/api/")), address).toEqual([address]);
  }
});

test("after signing in, a return address that leads off the site is not followed", async ({ page }) => {
  // A browser drops tabs and newlines and reads a backslash as a slash: each of these is another site.
  for (const retour of ["/%09/evil.example", "/%5Cevil.example", "https:evil.example", "/admin/..%2F..%2F%2Fevil.example"]) {
    await page.context().clearCookies();
    const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
    await page.goto(`/admin/connexion?retour=${retour}`);
    await wasm;
    await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
    await checkPage(page);
    await page.getByLabel("Identifiant").fill("instructeur");
    await page.getByLabel("Mot de passe").fill(password);
    await page.getByRole("button", { name: "Se connecter" }).click();
    await expect(page, retour).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/admin$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Demandes de compte API");
  }
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page).toHaveTitle(/Demandes de compte API/);
  await checkPage(page);
});

test("a reviewer validates the request of the applicant's journey", async ({ page }) => {
  await signIn(page);
  await expect(page.locator(".admin-counts")).toContainText("en attente");
  await openRequest(page, "restaurants du coeur");
  await expect(page.locator(".admin-facts").first()).toContainText("Marie");
  const email = (await page.locator("a[href^='mailto:']").first().textContent())!.trim();

  await page.getByRole("button", { name: "Valider la demande" }).click();
  await page.getByRole("button", { name: "Confirmer la validation" }).click();
  await expect(page.locator(".fr-alert--success")).toContainText("Validée par instructeur");
  await expect(page.locator(".fr-alert--success")).toContainText("Identifiant du compte : mtest");

  const [validation] = await emailsTo(email, "validé");
  expect(validation, "validation email").toBeTruthy();
  expect(validation.text).toContain("Votre identifiant : mtest");
  const link = validation.text.match(/http\S+\/compte\/mot-de-passe#jeton=([A-Za-z0-9_-]+)/);
  expect(link, validation.text).not.toBeNull();
  expect(link![0].startsWith(page.url().split("/admin")[0])).toBe(true);
  expect(link![1].length).toBeGreaterThanOrEqual(22);

  // The applicant opens the link: the page shows the identifiant, the rules live, and takes the password.
  const applicant = await page.context().browser()!.newContext();
  const tab = await applicant.newPage();
  watch(tab);
  const wasm = tab.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  await tab.goto(link![0]);
  await wasm;
  await tab.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(tab.getByRole("heading", { level: 1 })).toHaveText("Veuillez saisir votre nouveau mot de passe");
  await expect(tab.getByLabel("Identifiant")).toHaveValue("mtest");
  const password = tab.getByLabel("Mot de passe", { exact: true });
  await password.fill("Dae-1");
  await expect(tab.locator("[data-rule=length]")).toHaveClass(/password-rule--ko/);
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await checkPage(tab);
  await password.fill("Defib-2026");
  await expect(tab.locator("[data-rule=length]")).toHaveClass(/password-rule--ok/);
  await expect(tab.locator("[data-rule=classes]")).toHaveClass(/password-rule--ok/);
  await tab.getByLabel("Confirmer le mot de passe").fill("Defib-2026");
  await expect(tab.locator("[data-rule=confirmation]")).toHaveClass(/password-rule--ok/);
  await tab.getByRole("button", { name: "Valider" }).click();
  await expect(tab.locator("#password-success")).toContainText("Vos identifiants de connexion ont été modifiés avec succès !");

  // "Retour au site" leads to the sign-in; the new password opens the account page.
  await tab.getByRole("link", { name: "Retour au site" }).click();
  await expect(tab).toHaveURL(/\/connexion$/);
  await tab.waitForLoadState("networkidle");
  await checkPage(tab);
  await tab.getByLabel("Identifiant").fill("mtest");
  await tab.getByLabel("Mot de passe").fill("Defib-2026");
  await tab.getByRole("button", { name: "Se connecter" }).click();
  await expect(tab).toHaveURL(/\/compte$/);
  await expect(tab.locator("#account-facts")).toContainText("mtest");
  await expect(tab.locator("#account-facts")).toContainText("LES RESTAURANTS DU COEUR");

  // "Utiliser l'API": the account's identifiant in the commands, which work as written; the calls are counted.
  await expect(tab.getByRole("heading", { name: "Utiliser l'API" })).toBeVisible();
  const origin = new URL(tab.url()).origin;
  await expect(tab.locator("#api-example-token")).toContainText(`${origin}/api/login`);
  await expect(tab.locator("#api-example-token")).toContainText('"username": "mtest"');
  await expect(tab.locator("#api-usage")).toContainText("aucun pour l'instant");
  await checkPage(tab);
  const login = await tab.request.post(`${origin}/api/login`, { data: { username: "mtest", password: "Defib-2026" } });
  expect(login.status()).toBe(201);
  const { token } = await login.json();
  const list = await tab.request.get(`${origin}/api/dae?limit=5&sort_by=com_nom:asc`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(list.status()).toBe(200);
  expect(await list.json()).toHaveLength(5);
  await expect(async () => {
    await tab.reload();
    await expect(tab.locator("#api-usage dd").first()).toHaveText("1 appel", { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  // The link has served: opening it again offers a new one.
  await tab.goto(link![0]);
  await expect(tab.getByRole("button", { name: "Recevoir un nouveau lien" })).toBeVisible();
  await applicant.close();
});

test("a reviewer refuses a request with two reasons; the email leads to the filled form", async ({ page, request }) => {
  const email = `refus-${Date.now()}@exemple-e2e.fr`;
  const created = await request.post("/api/v1/registrations", {
    data: {
      profile: "api", last_name: "Dupont", first_name: "Jean", email,
      organisation_kind: "entreprise_association", siren: "356000000", siret: "",
      company_name: "", phone_prefix: "+33", phone_number: "06 12 34 56 78",
    },
  });
  expect(created.status()).toBe(202);

  await signIn(page);
  await openRequest(page, email);
  // The DSFR draws the box on the label: people click the label.
  await page.locator("label[for='reason-email_personnel']").click();
  await page.locator("label[for='reason-nom_demandeur']").click();
  await expect(page.getByLabel(/Adresse email personnelle/)).toBeChecked();
  await expect(page.getByLabel(/Nom du demandeur incorrect/)).toBeChecked();
  await page.getByLabel(/Message au demandeur/).fill("Merci de refaire la demande avec une adresse générique.");
  await checkPage(page);
  await page.getByRole("button", { name: "Refuser la demande" }).click();
  await expect(page.locator(".fr-alert--info").last()).toContainText("Refusée par instructeur");

  const [refusal] = await emailsTo(email, "pas été acceptée");
  expect(refusal, "refusal email").toBeTruthy();
  expect(refusal.text).toContain("adresse email professionnelle");
  expect(refusal.text).toContain("nom d'une personne physique");
  expect(refusal.text).toContain("adresse générique");
  const link = refusal.text.match(/http\S+(\/inscription#reprise=\S+)/);
  expect(link, refusal.text).not.toBeNull();

  const wasm = page.waitForResponse((r) => r.url().endsWith(".wasm") && r.ok());
  await page.goto(link![1]);
  await wasm;
  await page.locator("html[data-hydrated]").waitFor({ state: "attached" });
  await expect(page.locator("#reprise")).toContainText("demande précédente");
  await expect(page.locator("#email")).toHaveValue(email);
  await expect(page.locator("#last_name")).toHaveValue("Dupont");
  await expect(page.locator("#phone_number")).toHaveValue("612345678");
  await expect(page.locator("#company_name")).toHaveValue("LA POSTE");
  await checkPage(page);
});

test("every administrators' page passes the accessibility checks", async ({ page }) => {
  await signIn(page, "administratrice", adminPassword);
  for (const [link, heading] of [
    ["Mails", "Mails envoyés"],
    ["Journal", "Journal"],
    ["Motifs et messages", "Motifs de refus et messages de complément"],
    ["Administrateurs", "Administrateurs"],
    ["Mon mot de passe", "Mon mot de passe"],
    ["Demandes", "Demandes de compte API"],
  ]) {
    await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: link, exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText(heading);
    await page.waitForLoadState("networkidle");
    await checkPage(page);
  }
});

test("on an applicant's request, an administrator gives a copy of their data, then erases it", async ({ page, request }) => {
  const email = `droits-${Date.now()}@exemple-e2e.fr`;
  const created = await request.post("/api/v1/registrations", {
    data: {
      profile: "api", last_name: "Droits", first_name: "Anne", email,
      organisation_kind: "entreprise_association", siren: "356000000", siret: "",
      company_name: "", phone_prefix: "+33", phone_number: "06 12 34 56 78",
    },
  });
  expect(created.status()).toBe(202);
  await signIn(page, "administratrice", adminPassword);
  await openRequest(page, email);

  // Without a reason, nothing is done and the field says why.
  await page.getByRole("button", { name: "Exporter les données (JSON)" }).click();
  await expect(page.locator("#rights-error")).toContainText("Motif : indiquez qui a fait la demande");
  await expect(page.locator("#rights-reason")).toBeFocused();
  await expect(page.locator("#rights-reason")).toHaveAttribute("aria-invalid", "true");
  await checkPage(page);

  await page.locator("#rights-reason").fill("Mail de la demandeuse du 3 mars");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Exporter les données (JSON)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^donnees-DAE-[0-9A-Z]{8}\.json$/);
  const copy = JSON.parse(require("fs").readFileSync(await file.path(), "utf8"));
  expect(copy.request.email).toBe(email);
  expect(copy.request.last_name).toBe("Droits");
  await expect(page.locator("#rights-notice")).toContainText("Copie des données enregistrée");

  // Erasing asks for a confirmation; a pending request then goes whole.
  await page.getByRole("button", { name: "Effacer les données" }).click();
  await expect(page.locator("#confirm-erase")).toBeFocused();
  await checkPage(page);
  await page.getByRole("button", { name: "Confirmer l'effacement" }).click();
  await expect(page.locator("#rights-notice")).toContainText("La demande, en attente, a été supprimée");
  await page.goto("/admin/journal");
  await expect(page.locator("main")).toContainText("Mail de la demandeuse du 3 mars");
  await page.waitForLoadState("networkidle");
  await checkPage(page);
});
