import { defineConfig } from "@playwright/test";
import * as path from "path";

// The server built by `cargo leptos build`, on its own port, a fresh SQLite file, and maildev for SMTP.
const root = path.resolve(__dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
const stateDir = process.env.GEODAE_E2E_DIR ?? path.join(root, "target", "e2e");
const port = process.env.GEODAE_E2E_PORT ?? "3100";
export const reviewerPassword = "instructeur-mot-de-passe-2026";
export const adminPassword = "administratrice-mot-de-passe-2026";

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    launchOptions: {
      // Debian's Chromium, named once in scripts/env.sh.
      executablePath: process.env.GEODAE_CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
    },
  },
  webServer: {
    // A fresh database with a reviewer and an administrator (passwords on stdin, as an operator would), then the server.
    command: `rm -f "${stateDir}/e2e.db"* && echo "${reviewerPassword}" | "${targetDir}/debug/server" admin create --login instructeur --email instructeur@sante.gouv.fr --role reviewer && echo "${adminPassword}" | "${targetDir}/debug/server" admin create --login administratrice --email administratrice@sante.gouv.fr --role admin && "${targetDir}/debug/server"`,
    cwd: root,
    url: `http://127.0.0.1:${port}/api/v1/health`,
    timeout: 60_000,
    reuseExistingServer: false,
    env: {
      GEODAE_ADDR: `127.0.0.1:${port}`,
      GEODAE_SITE_ROOT: path.join(root, "target", "site"),
      DATABASE_URL: `sqlite://${stateDir}/e2e.db?mode=rwc`,
      GEODAE_DATA_DIR: stateDir,
      GEODAE_MAIL_TRANSPORT: "smtp",
      GEODAE_SMTP_HOST: "127.0.0.1",
      GEODAE_SMTP_PORT: process.env.GEODAE_TEST_SMTP_PORT ?? "1025",
      GEODAE_SMTP_TLS: "none",
      GEODAE_ADMIN_EMAILS: "administrateurs@geodae.test",
      GEODAE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      RUST_LOG: "info,sqlx=warn",
      // As behind the production proxy: a journey poses as other client addresses to meet the flood limits
      // (the defaults) without spending the allowance of the others; every notice reaches the inbox.
      GEODAE_TRUST_PROXY: "on",
      GEODAE_MINISTRY_NOTICES: "1000/h",
      // The journeys look the register up from one address, more than an applicant would.
      GEODAE_SIRENE_RATE: "100",
      GEODAE_SIRENE_BURST: "1000",
    },
  },
});
