#!/usr/bin/env bash
# Lays out what the gateway's image needs besides its jar, under TARGET/image-root, for Jib to add to an empty
# (scratch) base: no base image can be pulled from a registry here, and none is needed.
#   /opt/java      a Java runtime made by jlink from the building JDK (its jmods), with its CA certificates
#   /lib*, /usr/lib*  the C libraries that runtime links against, copied from the building machine
#   /etc           passwd and group with the non-root user 65532 (nonroot), nsswitch.conf
#   /app           the gateway's jar, as tested by the integration tests
# usage: runtime.sh TARGET JAVA_HOME
set -euo pipefail
target=$1
java_home=$2
root=$target/image-root
jre=$root/opt/java

if [ ! -d "$java_home/jmods" ]; then
  echo "runtime.sh: $java_home has no jmods: install the JDK's jmods (Debian: openjdk-17-jmods)" >&2
  exit 1
fi
rm -rf "$root"
mkdir -p "$root/app" "$root/etc" "$root/tmp" "$root/var/lib/drawbridge" "$root/opt"

# `jdeps --multi-release 17 --ignore-missing-deps --print-module-deps target/drawbridge.jar` gives the first
# line (it takes a minute, so it is not run on every build); the second line holds what is looked up by name at
# run time: EC keys, DNS, JAAS login modules (Kafka SASL), the zip file system (Jetty reading the Hawtio war),
# extra charsets.
modules=java.base,java.compiler,java.desktop,java.instrument,java.naming,java.net.http,java.rmi,java.security.jgss,java.security.sasl,java.sql,jdk.jfr,jdk.management,jdk.unsupported
modules=$modules,jdk.crypto.ec,jdk.naming.dns,jdk.security.auth,jdk.zipfs,jdk.charsets
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$jre"

# The JDK's cacerts is often a link into the building machine's /etc: take the certificates themselves.
cp --remove-destination -L "$java_home/lib/security/cacerts" "$jre/lib/security/cacerts"

# A server runs headless: java.desktop stays for java.beans, its windowing, sound and font libraries go (they
# would pull in X11 and FreeType).
rm -f "$jre"/lib/{libawt_xawt,libsplashscreen,libjsound,libfontmanager,liblcms,libjavajpeg}.so

# scratch has no C library: copy the loader and every library the runtime's binaries link against.
find "$jre" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '/=> \// {print $3} /^\t\/[^ ]*ld-linux/ {print $1}' \
  | grep -v "^$root/" \
  | sort -u \
  | while read -r lib; do cp -L --parents "$lib" "$root"; done

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:65532:65532:nonroot:/var/lib/drawbridge:/sbin/nologin
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
nonroot:x:65532:
GROUP
echo "hosts: files dns" > "$root/etc/nsswitch.conf"

cp "$target/drawbridge.jar" "$root/app/drawbridge.jar"
echo "runtime.sh: $(du -sh "$root" | cut -f1) in $root"
