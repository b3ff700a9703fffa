// Type-checks every dashboard in grafana/dashboards/ against the Dashboard
// type of @grafana/schema. Each JSON file becomes an object literal typed as
// Dashboard, so TypeScript also refuses unknown keys (excess property
// checks) and bad enum values, not only wrong types. Exit 1 on any error.
//
// The schema declares some fields as TypeScript enums (ThresholdsMode,
// MappingType, FieldColorModeId), to which no JSON string is assignable;
// `Json<T>` turns every enum into the union of its values ("absolute" |
// "percentage"), so a dashboard is checked as the JSON it is: a valid value
// passes, a misspelt one is still refused, and so are unknown keys.
const JSON_OF = `type Json<T> = T extends string ? (string extends T ? string : \`\${T}\`)
  : T extends number | boolean | null | undefined ? T
  : T extends (infer U)[] ? Json<U>[]
  : T extends object ? { [K in keyof T]: Json<T[K]> }
  : T;`;
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";

const here = dirname(fileURLToPath(import.meta.url));
const dashboards = join(here, "..", "dashboards");
const files = readdirSync(dashboards).filter((f) => f.endsWith(".json"));
if (files.length === 0) {
  console.error("no dashboards in", dashboards);
  process.exit(1);
}
const out = mkdtempSync(join(here, ".tmp-"));
try {
  const sources = files.map((f, i) => {
    const json = readFileSync(join(dashboards, f), "utf8");
    JSON.parse(json); // a syntax error names the file here
    const path = join(out, `dashboard${i}.ts`);
    writeFileSync(path, `// ${f}\nimport type { Dashboard } from "@grafana/schema";\n${JSON_OF}\nexport const dashboard: Json<Dashboard> = ${json};\n`);
    return path;
  });
  const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
  execFileSync(process.execPath, [tsc, "--noEmit", "--strict", "--skipLibCheck", "--moduleResolution", "bundler", "--module", "esnext", "--target", "es2022", ...sources], { stdio: "inherit", cwd: here });
  console.log(`ok: ${files.join(", ")} match @grafana/schema Dashboard`);
} catch (e) {
  process.exitCode = 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
