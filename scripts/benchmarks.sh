#!/usr/bin/env bash
# Reproduces every figure in docs/benchmarks.md on this machine and prints them, with the machine they ran on.
#   bash scripts/benchmarks.sh           # everything (~30 min on 2 cores; the 1M-chunk scale run dominates)
#   bash scripts/benchmarks.sh --quick   # skips the 1M-chunk size, runs the micro-benchmarks with a short job,
#                                        # the mixed-corpus ingest once instead of three times and 100 scale-out queries
# Results go to artifacts/benchmarks/; the SciFact charts are also copied to docs/images/.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1
out=artifacts/benchmarks
datasets=${VERITY_DATASETS:-../shared/datasets}
mkdir -p "$out" docs/images
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

echo "== machine"
echo "$(nproc) cores, $(free -g | awk '/^Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p'), $(. /etc/os-release; echo "$PRETTY_NAME"), .NET SDK $(dotnet --version)"

echo "== build (Release)"
dotnet build Verity.slnx -c Release -nologo -v quiet
verity="dotnet src/Verity.Cli/bin/Release/net10.0/verity.dll"

echo "== 1. SciFact: Verity's retrieval modes beside Lucene.NET BM25 and raw SQLite FTS5, plus answers"
if [ -f "$datasets/scifact/corpus.jsonl" ]; then
  rm -rf "$out/eval-data"
  $verity eval --dataset "$datasets/scifact" --data "$out/eval-data" --report "$out/scifact"
  cp "$out/scifact/ndcg.png" docs/images/scifact-ndcg.png
  cp "$out/scifact/latency.png" docs/images/scifact-latency.png
else
  echo "skipped: $datasets/scifact is absent (set VERITY_DATASETS)"
fi

echo "== 2. Demo corpus ingest: first run, then nothing changed"
rm -rf "$out/demo-data"
for run in first unchanged; do
  /usr/bin/time -f "$run run: wall %e s, max RSS %M kB" $verity ingest demo/corpus --data "$out/demo-data" --json \
    | grep -E '"(added|unchanged|chunks_embedded|elapsed)"'
done

echo "== 3. HTTP load against verity demo (search and chat alternating, 20 s per concurrency)"
Verity__RateLimits__Enabled=false Logging__LogLevel__Default=Warning \
  $verity demo --urls http://127.0.0.1:8095 --data "$out/demo-data" > "$out/demo-server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf http://127.0.0.1:8095/readyz > /dev/null && break; sleep 0.5; done
for c in 1 4 16; do
  $verity bench http --url http://127.0.0.1:8095 --concurrency "$c" --duration 20s
done
kill $server; trap - EXIT

echo "== 4. Micro-benchmarks (BenchmarkDotNet)"
job=$([ $quick = 1 ] && echo short || echo medium)
dotnet run -c Release --project bench/Verity.Benchmarks -- --filter '*' --job "$job"

echo "== 5. Scale: synthetic indexes, search latency and memory against size, ingestion throughput"
sizes=$([ $quick = 1 ] && echo 10000,100000 || echo 10000,100000,1000000)
dotnet run -c Release --project bench/Verity.Benchmarks -- scale --sizes "$sizes" --out "$out/scale"

echo "== 6. Ingestion throughput: a mixed corpus of nine formats through the ingest path, in process and as verity ingest"
# The 80 MB corpus is written once (seeded) into $out/ingest/corpus and reused while size, seed and generator match.
runs=$([ $quick = 1 ] && echo 1 || echo 3)
dotnet run -c Release --project bench/Verity.Benchmarks -- ingest --size-mb 80 --runs "$runs" --out "$out/ingest" \
  --cli src/Verity.Cli/bin/Release/net10.0/verity.dll
# One worker lane: the stage costs without the two lanes waiting on each other (the "where the time goes" table).
if [ $quick = 0 ]; then
  dotnet run -c Release --project bench/Verity.Benchmarks -- ingest --size-mb 80 --runs 1 --lanes 1 --out "$out/ingest" --cli none
fi

echo "== 7. Scale-out: 1, 2 and 4 verity worker processes on one PostgreSQL 15 (exact vectors), and search latency on PGlite"
echo "   (pgvector HNSW; WebAssembly, not a performance reference) against SQLite at the same size"
# Starts its own PostgreSQL 15 (apt package postgresql) and PGlite (tests/pglite, npm ci on first use), and stops them.
queries=$([ $quick = 1 ] && echo 100 || echo 300)
dotnet run -c Release --project bench/Verity.Benchmarks -- scale-out --size-mb 12 --workers 1,2,4 --lanes 1,2 --chunks 10000 \
  --queries "$queries" --out "$out/scale-out" --cli src/Verity.Cli/bin/Release/net10.0/verity.dll

echo "== 8. The answer path: a scripted OpenAI-protocol model healthy, cached, failing, down and hanging (fallback,"
echo "   circuit breaker, extractive degradation); the model's latency is scripted, not a real model's"
dotnet run -c Release --project bench/Verity.Benchmarks -- chat --out "$out/chat"

echo "== done: figures above; reports in $out"
