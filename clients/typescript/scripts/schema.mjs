// Generates src/schema.ts, the API's types, from api/openapi.yaml.
//   node scripts/schema.mjs          write it
//   node scripts/schema.mjs --check  fail when it differs from the contract
import { readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

const spec = new URL("../../../api/openapi.yaml", import.meta.url);
const target = new URL("../src/schema.ts", import.meta.url);

const header = "// Generated from api/openapi.yaml by scripts/schema.mjs (npm run generate). Do not edit.\n\n";
// A field with a default is still optional in a request body.
const fresh = header + astToString(await openapiTS(spec, { defaultNonNullable: false }));

if (process.argv.includes("--check")) {
  if (readFileSync(target, "utf8") !== fresh) {
    console.error("src/schema.ts is stale against api/openapi.yaml: run `npm --prefix clients/typescript run generate` and commit it");
    process.exit(1);
  }
} else {
  writeFileSync(target, fresh);
}
