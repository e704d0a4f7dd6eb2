#!/usr/bin/env bash
# The month-end rush benchmark (docs/benchmarks.md): builds, starts ./run.sh with its own data folder,
# drives it over HTTP and prints the figures. Arguments pass through: --concurrency N, --villages N.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
dotnet build Grains.sln -c Release -nologo -v q -clp:ErrorsOnly
dotnet tests/Rectification.Benchmark/bin/Release/net10.0/Rectification.Benchmark.dll "$@"
