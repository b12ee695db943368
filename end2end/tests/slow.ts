import { Page } from "@playwright/test";

/**
 * A slow connection: the page's WebAssembly module is held back until the returned function is called, so that
 * a journey can type into the page as the server rendered it, before it is live.
 */
export async function holdWebAssembly(page: Page): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // The public bundle's main module (its name holds its hash).
  await page.route(/\/pkg\/geodae\.[\w-]+\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}
