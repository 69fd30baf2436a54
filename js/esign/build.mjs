// Bundles src/ into idp/static/esign/esign.js (one file, no run-time loading).
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.js"],
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2020"],
  minify: true,
  legalComments: "eof",
  charset: "utf8",
  outfile: "../../idp/static/esign/esign.js",
  logLevel: "info",
});
