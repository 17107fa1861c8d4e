import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig, type Plugin } from "vite";

const outDir = "../target/classes/theme/dirsync/admin/resources";

// Builds the "dirsync" admin theme's resources straight into the JAR's classes folder. Keycloak's
// admin console page (index.ftl, inherited from keycloak.v2) reads .vite/manifest.json to find the
// entry script, and its import map serves React from Keycloak's own vendor folder: React stays
// external so that the console and our pages share one React.
export default defineConfig({
  base: "",
  esbuild: { jsx: "automatic" },
  plugins: [entryImportsAsFiles()],
  build: {
    outDir,
    emptyOutDir: true,
    manifest: true,
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 8000,
    rollupOptions: {
      input: "src/main.tsx",
      external: ["react", "react/jsx-runtime", "react-dom"],
      // react-router marks its modules "use client" (for server components); meaningless in a bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
});

/**
 * Keycloak's index.ftl turns the entry's "imports" into <link rel="modulepreload" href="{import}">,
 * taking them for file paths; Vite writes manifest keys there ("_index-….js"). Write the files.
 */
function entryImportsAsFiles(): Plugin {
  return {
    name: "dirsync-entry-imports-as-files",
    apply: "build",
    writeBundle() {
      const path = join(__dirname, outDir, ".vite/manifest.json");
      const manifest = JSON.parse(readFileSync(path, "utf8"));
      for (const chunk of Object.values<any>(manifest)) {
        if (chunk.isEntry && chunk.imports) {
          chunk.imports = chunk.imports.map((key: string) => manifest[key]?.file ?? key);
        }
      }
      writeFileSync(path, JSON.stringify(manifest, null, 2));
    },
  };
}
