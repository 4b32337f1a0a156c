#!/usr/bin/env node
// Checks that every PromQL expression of Prometheus rule files (.yml/.yaml: groups[].rules[].expr) and Grafana
// dashboards (.json: targets[].expr of every panel, rows included) parses with Prometheus' own grammar
// (@prometheus-io/lezer-promql), and lists the metric names each one selects.
//   node deploy/k8s/validate/promql.mjs deploy/prometheus/alerts.yml deploy/grafana/verity-dashboard.json [--json]
// Exit code: 0 all parse, 1 an expression does not parse (or a file has none), 2 a file is unusable.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { parser } from "@prometheus-io/lezer-promql";

// Grafana replaces these before the query reaches Prometheus.
const GRAFANA_VARIABLES = [
  [/\$__rate_interval|\$\{__rate_interval\}/g, "5m"],
  [/\$__interval|\$\{__interval\}/g, "1m"],
  [/\$__range|\$\{__range\}/g, "1h"],
];

const args = process.argv.slice(2);
const json = args.includes("--json");
const files = args.filter((a) => a !== "--json");
if (files.length === 0) {
  console.error("usage: promql.mjs FILE... [--json]");
  process.exit(2);
}

const results = [];
let broken = false;
for (const file of files) {
  let expressions;
  try {
    expressions = file.endsWith(".json") ? dashboardExpressions(JSON.parse(readFileSync(file, "utf8"))) : ruleExpressions(parseYaml(readFileSync(file, "utf8")));
  } catch (error) {
    console.error(`promql.mjs: ${file}: ${error.message}`);
    process.exit(2);
  }
  if (expressions.length === 0) {
    broken = true;
    results.push({ file, source: "(file)", expr: "", ok: false, error: "no PromQL expressions found", metrics: [] });
  }
  for (const { source, expr } of expressions) {
    results.push({ file, source, expr, ...check(expr) });
  }
}

if (json) {
  process.stdout.write(JSON.stringify(results, null, 2) + "\n");
} else {
  for (const r of results) {
    console.log(r.ok ? `ok    ${r.file} ${r.source}: ${r.metrics.join(", ")}` : `FAIL  ${r.file} ${r.source}: ${r.error}`);
  }
}
process.exitCode = broken || results.some((r) => !r.ok) ? 1 : 0;

function check(expr) {
  let text = String(expr);
  for (const [pattern, replacement] of GRAFANA_VARIABLES) {
    text = text.replace(pattern, replacement);
  }
  if (text.trim() === "") {
    return { ok: false, error: "empty expression", metrics: [] };
  }
  const tree = parser.parse(text);
  const errors = [];
  const metrics = new Set();
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        errors.push(node.from);
      }
      if (node.name === "VectorSelector") {
        const identifier = node.node.getChild("Identifier");
        if (identifier) {
          metrics.add(text.slice(identifier.from, identifier.to));
        }
      }
    },
  });
  if (errors.length > 0) {
    const at = errors[0];
    return { ok: false, error: `syntax error at character ${at + 1}: ...${text.slice(Math.max(0, at - 20), at + 20)}...`, metrics: [...metrics] };
  }
  return { ok: true, error: null, metrics: [...metrics].sort() };
}

function ruleExpressions(document) {
  const found = [];
  for (const group of document?.groups ?? []) {
    for (const rule of group.rules ?? []) {
      found.push({ source: `${group.name}/${rule.alert ?? rule.record}`, expr: rule.expr });
    }
  }
  return found;
}

function dashboardExpressions(dashboard) {
  const found = [];
  const visit = (panels) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (target.expr !== undefined) {
          found.push({ source: `panel ${panel.id} "${panel.title}" ${target.refId}`, expr: target.expr });
        }
      }
      visit(panel.panels);
    }
  };
  visit(dashboard?.panels);
  return found;
}
