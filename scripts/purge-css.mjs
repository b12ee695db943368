// Keeps, of the DSFR's CSS, the rules whose classes the application's pages use (PurgeCSS over app/src) and the
// custom properties those rules and style/main.css read: 434 KB -> ~115 KB, 38 KB -> ~14 KB as served (brotli).
// The small icons the kept rules draw (the error, warning, success and information marks of the messages) are
// written into the CSS: a field's first error shows its mark at once, without a request. Each font face is
// declared twice, French and the rest of Latin-1, with their `unicode-range`.
//   node scripts/purge-css.mjs IN OUT      (OUT sits in public/dsfr/css, the icons in public/dsfr/icons)
import fs from "fs";
import path from "path";
import { PurgeCSS } from "purgecss";

const [input, output] = process.argv.slice(2);
const ownStyle = fs.readFileSync("style/main.css", "utf8");
const ownVariables = [...new Set([...ownStyle.matchAll(/var\((--[A-Za-z0-9-]+)/g)].map((m) => m[1]))];

const [purged] = await new PurgeCSS().purge({
  content: ["app/src/**/*.rs"],
  css: [input],
  // Every word of the sources counts as a class name that may be used.
  defaultExtractor: (content) => content.match(/[A-Za-z0-9_-]+/g) || [],
  safelist: {
    // Modifiers put together at run time (`{base}--error`: components/field.rs).
    standard: [/--error$/, /--warning$/, /--valid$/],
    variables: ownVariables,
  },
  fontFace: false,
  keyframes: true,
  variables: true,
});
const inlined = purged.css.replace(/url\((\.\.\/icons\/[A-Za-z0-9/_-]+\.svg)\)/g, (whole, icon) => {
  const file = path.resolve(path.dirname(output), icon);
  if (!fs.existsSync(file) || fs.statSync(file).size > 1500) return whole;
  return `url("data:image/svg+xml;base64,${fs.readFileSync(file).toString("base64")}")`;
});
// Each font face in two files (scripts/dsfr-assets.sh): French, and the rest of Latin-1, each with its range.
const french = process.env.GEODAE_FONT_FRENCH;
const latin = process.env.GEODAE_FONT_LATIN;
if (!french || !latin) throw new Error("GEODAE_FONT_FRENCH and GEODAE_FONT_LATIN are set by scripts/dsfr-assets.sh");
let faces = 0;
const split = inlined.replace(/@font-face\{([^}]*?)src:url\(\.\.\/fonts\/([A-Za-z_-]+)\.woff2\)[^;}]*([^}]*)\}/g,
  (whole, before, name, after) => {
    faces += 1;
    const face = (file, range) => `@font-face{${before}src:url(../fonts/${file}.woff2) format("woff2")${after};unicode-range:${range}}`;
    return face(name, french) + face(`${name}-latin`, latin);
  });
if (faces === 0) throw new Error("no @font-face rule found in the DSFR's CSS");
fs.writeFileSync(output, split);
