#!/usr/bin/env bash
# Side-by-side java.nio benchmark: vfsim plugins vs Jimfs vs the default filesystem on tmpfs.
# Usage: vfs-nio/bench.sh [rounds]   (from anywhere; builds vfs-nio's test classes offline)
set -euo pipefail
cd "$(dirname "$0")/.."
# One reactor build, so the other modules resolve to their target/classes (never installed).
mvn -o -q -pl vfs-nio -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=bench.classpath
JAVA=java
for j in /usr/lib/jvm/*25*/bin/java; do [ -x "$j" ] && JAVA="$j"; done
CP="$(cat vfs-nio/bench.classpath)"
rm -f bench.classpath */bench.classpath
exec "$JAVA" -cp "vfs-nio/target/test-classes:vfs-nio/target/classes:$CP" \
  org.vfsim.nio.bench.NioBenchmark "$@"
