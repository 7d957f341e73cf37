// Builds the web interface into OUT (default ../build/web): OUT/assets/app-<hash>.js and .css, and
// the chunks the app loads when a page needs them (<name>-<hash>.js) (names that change with the
// content, so the hub may let browsers keep them for a year) and OUT/index.html naming the app's. No inline script or style: the hub's Content-Security-Policy
// allows none. Usage: node build.mjs [--out DIR]
import * as esbuild from "esbuild";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outArg = process.argv.indexOf("--out");
const out = resolve(outArg > 0 ? process.argv[outArg + 1] : join(here, "..", "build", "web"));
const assets = join(out, "assets");

await rm(assets, { recursive: true, force: true });
await mkdir(assets, { recursive: true });
const result = await esbuild.build({
  entryPoints: { app: join(here, "src", "main.tsx") },
  bundle: true,
  minify: true,
  format: "esm",
  target: ["chrome111", "firefox115"],
  jsx: "automatic",
  jsxImportSource: "preact",
  outdir: assets,
  entryNames: "[name]-[hash]",
  // Code only some pages need (the graph's Cytoscape) is its own file, loaded when first used.
  splitting: true,
  chunkNames: "[name]-[hash]",
  metafile: true,
  legalComments: "none",
  logLevel: "warning",
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const entry = Object.entries(result.metafile.outputs).find(([p, o]) => o.entryPoint && p.endsWith(".js"));
const js = entry && basename(entry[0]);
const css = outputs.find((n) => n.endsWith(".css"));
if (!js || !css) throw new Error(`esbuild wrote ${outputs.join(", ")}: expected a .js and a .css`);

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tessera</title>
<link rel="stylesheet" href="/assets/${css}">
<script type="module" src="/assets/${js}"></script>
</head>
<body>
<div id="app"></div>
<noscript>Tessera's web interface needs JavaScript; the APIs (TAXII 2.1 and /api/v1/) do not.</noscript>
</body>
</html>
`;
await writeFile(join(out, "index.html"), html);
console.log(`web interface built in ${out}: ${js}, ${css}`);
