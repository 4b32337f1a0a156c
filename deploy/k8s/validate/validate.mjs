#!/usr/bin/env node
// Validates rendered Kubernetes manifests: every object against the Kubernetes schema of its apiVersion/kind
// (kubernetes-models), then Verity's policy rules (lib/policy.mjs). A broken manifest fails the build.
//
//   kubectl kustomize deploy/k8s/overlays/prod | node deploy/k8s/validate/validate.mjs
//   node deploy/k8s/validate/validate.mjs rendered.yaml [--json]
//
// Prints one line per object ("ok" or "FAIL" with every error) and a summary; --json prints the same as one JSON
// document, with the objects themselves. Exit code: 0 all valid, 1 an object is invalid, 2 the input is unusable.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { modelFor, schemaErrors, supportedApiVersions } from "./lib/models.mjs";
import { objectPolicy, setPolicy } from "./lib/policy.mjs";

const args = process.argv.slice(2);
const json = args.includes("--json");
const files = args.filter((a) => a !== "--json");
if (files.length > 1 || args.some((a) => a.startsWith("--") && a !== "--json")) {
  usage("usage: validate.mjs [FILE|-] [--json]");
}

let text;
try {
  text = readFileSync(files.length === 0 || files[0] === "-" ? 0 : files[0], "utf8");
} catch (error) {
  usage(`cannot read ${files[0] ?? "standard input"}: ${error.message}`);
}

const objects = [];
for (const document of parseAllDocuments(text)) {
  if (document.errors.length > 0) {
    usage(`invalid YAML: ${document.errors.map((e) => e.message).join("; ")}`);
  }
  const value = document.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) {
    continue;
  }
  // A List (kubectl get -o yaml) holds its objects in items.
  for (const object of value?.kind === "List" && Array.isArray(value.items) ? value.items : [value]) {
    objects.push(object);
  }
}
if (objects.length === 0) {
  usage("no Kubernetes objects in the input (did the render fail?)");
}

const results = [];
for (const object of objects) {
  results.push(await check(object));
}

const setErrors = [];
// Non-objects (already failed above) stand in as {} so that the indexes stay aligned with results.
const usable = objects.map((o) => (typeof o === "object" && o !== null && !Array.isArray(o) ? o : {}));
for (const [index, message] of setPolicy(usable)) {
  if (index < 0) {
    setErrors.push(`policy: ${message}`);
  } else {
    results[index].errors.push(`policy: ${message}`);
  }
}

const failed = results.filter((r) => r.errors.length > 0).length;
if (json) {
  process.stdout.write(JSON.stringify({ objects: results, ok: results.length - failed, failed, setErrors }, null, 2) + "\n");
} else {
  for (const r of results) {
    const id = `${r.apiVersion}/${r.kind} ${r.namespace ? r.namespace + "/" : ""}${r.name}`;
    console.log(r.errors.length === 0 ? `ok    ${id}` : `FAIL  ${id}: ${r.errors.join("; ")}`);
  }
  for (const e of setErrors) {
    console.log(`FAIL  (all objects): ${e}`);
  }
  console.log(`${results.length} objects: ${results.length - failed} valid, ${failed} invalid${setErrors.length ? `, ${setErrors.length} set-wide error(s)` : ""}`);
}
process.exitCode = failed > 0 || setErrors.length > 0 ? 1 : 0;

async function check(object) {
  const result = {
    apiVersion: object?.apiVersion ?? null,
    kind: object?.kind ?? null,
    name: object?.metadata?.name ?? null,
    namespace: object?.metadata?.namespace ?? null,
    errors: [],
    object,
  };
  if (typeof object !== "object" || Array.isArray(object)) {
    result.errors.push("not an object");
    return result;
  }
  const model = await modelFor(object.apiVersion, object.kind);
  if (!model) {
    result.errors.push(
      `unknown apiVersion/kind ${object.apiVersion}/${object.kind}: no schema to validate it against ` +
        `(supported API versions: ${supportedApiVersions.join(", ")}; add the group to lib/models.mjs if it is real)`,
    );
    return result;
  }
  result.errors.push(...schemaErrors(model, object).map((e) => `schema: ${e}`));
  result.errors.push(...objectPolicy(object).map((e) => `policy: ${e}`));
  return result;
}

function usage(message) {
  console.error(`validate.mjs: ${message}`);
  process.exit(2);
}
