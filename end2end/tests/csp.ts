import { test as base, expect } from "@playwright/test";

/**
 * Every page of a journey runs under the Content Security Policy: whatever the browser refuses (it says so on
 * the console) fails the test. `cspViolations` is what was refused, for a test that provokes a refusal.
 */
export const test = base.extend<{ cspViolations: string[] }>({
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
});

export { expect };
