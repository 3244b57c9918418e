#!/usr/bin/env bash
# JMH benchmarks of the per-request decision path (src/test/java/io/drawbridge/bench).
#   bash bench/jmh.sh                      # all
#   bash bench/jmh.sh cachedDecisionPath   # one (a JMH regex), any JMH option after it
set -eu
cd "$(dirname "$0")/.."
mvn -q -B test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/jmh-classpath.txt
exec java -cp "target/test-classes:target/classes:$(cat target/jmh-classpath.txt)" org.openjdk.jmh.Main \
  "${@:-io.drawbridge.bench}"
