# Sourced by Panavisor's scripts: exports JAVA_HOME pointing at a JDK >= 25,
# or stops with one line saying what to install.
# Shell builtins only on the usual path: ./panavisor sources this on every start, and each
# process it would spawn (sed, head, a subshell) costs a few milliseconds before the JVM starts.
panavisor_java_major() { # sets panavisor_major to the feature version of $1/bin/java, or to ""
  panavisor_major=
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  # The JDK's release file names its version; starting java to ask costs ~0.1 s each.
  local line
  if [ -r "$1/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      if [[ $line =~ ^JAVA_VERSION=\"([0-9]+) ]]; then panavisor_major=${BASH_REMATCH[1]}; return 0; fi
    done < "$1/release"
  fi
  panavisor_major=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1)
}
panavisor_find_jdk() { # sets panavisor_jdk to the first JDK >= 25 found, or fails
  local c
  panavisor_jdk=
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    panavisor_java_major "$c"
    if [[ $panavisor_major =~ ^[0-9]+$ ]] && [ "$panavisor_major" -ge 25 ]; then panavisor_jdk=$c; return 0; fi
  done
  return 1
}
if ! panavisor_find_jdk; then
  echo "panavisor: needs a JDK >= 25 (none in \$JAVA_HOME or /usr/lib/jvm); install one, e.g. 'apt-get install temurin-25-jdk' or 'openjdk-25-jdk', or set JAVA_HOME." >&2
  exit 1
fi
JAVA_HOME=$panavisor_jdk
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
