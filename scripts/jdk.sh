# Sourced by Panavisor's scripts: exports JAVA_HOME pointing at a JDK >= 25,
# or stops with one line saying what to install.
panavisor_java_major() { # prints the feature version of $1/bin/java, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  # The JDK's release file names its version; reading it costs nothing, starting java ~0.1 s each.
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -1)
  if [ -n "$v" ]; then echo "$v"; return 0; fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1
}
panavisor_find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    v=$(panavisor_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ] 2>/dev/null; then echo "$c"; return 0; fi
  done
  return 1
}
if ! JAVA_HOME=$(panavisor_find_jdk); then
  echo "panavisor: needs a JDK >= 25 (none in \$JAVA_HOME or /usr/lib/jvm); install one, e.g. 'apt-get install temurin-25-jdk' or 'openjdk-25-jdk', or set JAVA_HOME." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
