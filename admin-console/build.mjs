// Builds the admin theme's console into target/classes (run by Maven in generate-resources).
// Installs the exact packages of package-lock.json first, but only when node_modules is missing
// or older than the lock file, so that a rebuild does not download anything.
import { execSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(
    `The admin console needs Node.js 20.19 or newer to build (Vite 7); this is ${process.version}. ` +
      "Install a newer Node.js, or build without the console pages: mvn -Dconsole.skip=true ...",
  );
  process.exit(1);
}

const here = dirname(fileURLToPath(import.meta.url));
const run = (command) => execSync(command, { cwd: here, stdio: "inherit" });
const installed = `${here}/node_modules/.package-lock.json`;

if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(`${here}/package-lock.json`).mtimeMs) {
  run("npm ci --no-audit --no-fund");
}
run("npm run build");
