#!/usr/bin/env node
// Parses a YAML file strictly (duplicate keys and syntax errors fail; compose's `<<` merge keys are resolved) and
// prints its documents as one JSON array, for checks written in other languages (tests/Verity.Deploy.Tests).
//   node deploy/k8s/validate/yaml-to-json.mjs deploy/compose/compose.yaml
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const [file, ...rest] = process.argv.slice(2);
if (!file || rest.length > 0) {
  console.error("usage: yaml-to-json.mjs FILE");
  process.exit(2);
}

let text;
try {
  text = readFileSync(file, "utf8");
} catch (error) {
  console.error(`yaml-to-json.mjs: cannot read ${file}: ${error.message}`);
  process.exit(2);
}

const documents = [];
for (const document of parseAllDocuments(text, { merge: true, uniqueKeys: true })) {
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) {
    console.error(`yaml-to-json.mjs: ${file}: ${problems.map((p) => p.message).join("; ")}`);
    process.exit(1);
  }
  documents.push(document.toJS({ maxAliasCount: 100 }));
}
process.stdout.write(JSON.stringify(documents) + "\n");
