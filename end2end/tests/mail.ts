// The emails of a journey, read from maildev's API.
import { expect } from "@playwright/test";

const maildev = process.env.GEODAE_TEST_MAILDEV_URL ?? "http://127.0.0.1:1080";

/** The emails to `address` whose subject holds `subject`, once at least `count` arrived (empty after 20 s). */
export async function emailsTo(address: string, subject: string, count = 1): Promise<any[]> {
  for (let i = 0; i < 80; i++) {
    const all = await (await fetch(`${maildev}/api/email`)).json();
    const mine = all.filter(
      (m: any) => m.to.some((t: any) => t.address === address) && String(m.subject).includes(subject),
    );
    if (mine.length >= count) return mine;
    await new Promise((r) => setTimeout(r, 250));
  }
  return [];
}

/** The private follow link an email carries. */
export function followLink(email: any): string {
  const link = String(email.text).match(/http\S+\/demande\/suivi#cle=[A-Za-z0-9_-]+/);
  expect(link, email.text).not.toBeNull();
  return link![0];
}
