import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * Build step for ./panavisor's runtime libraries (launcher/target/lib): rewrites every jar whose
 * classes are older than class-file version 50 to version 52, with generated StackMapTables.
 *
 * <p>Why: the JDK's AOT cache (JEP 483/514) does not store classes that need the old
 * type-inferencing verifier (major version below 50) in linked form, so picocli (compiled for
 * Java 5) was loaded, parsed and verified from its jar at every start: 100-150 ms of the time to
 * the first vCPU entry (docs/boot.md, "Start-up path"). The bytecode itself is unchanged; only
 * the version and the verifier's frames are new, so the classes pass the split verifier and the
 * cache can hold them. Jars already at 50 or later are left untouched (and so is their mtime,
 * which the wrapper compares against its cache).
 *
 * <p>Run with JDK 25's source launcher: {@code java UpgradeOldClassfiles.java DIR}.
 */
public final class UpgradeOldClassfiles {
    private static final int OLD_VERIFIER_BELOW = ClassFile.JAVA_6_VERSION;
    private static final int TARGET = ClassFile.JAVA_8_VERSION;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java UpgradeOldClassfiles.java LIB_DIR");
            System.exit(2);
        }
        List<Path> jars = new ArrayList<>();
        try (var listing = Files.list(Path.of(args[0]))) {
            listing.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
        }
        for (Path jar : jars) {
            if (needsUpgrade(jar)) {
                int count = upgrade(jar);
                System.out.println("upgrade-classfiles: " + jar.getFileName() + ": " + count
                        + " classes to version " + TARGET + " with stack maps");
            }
        }
    }

    private static boolean needsUpgrade(Path jar) throws IOException {
        try (JarFile in = new JarFile(jar.toFile())) {
            for (JarEntry e : (Iterable<JarEntry>) in.stream()::iterator) {
                if (isPlainClass(e.getName())) {
                    try (InputStream s = in.getInputStream(e)) {
                        if (majorVersion(s.readNBytes(8)) < OLD_VERIFIER_BELOW) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static int upgrade(Path jar) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int count = 0;
        try (JarFile in = new JarFile(jar.toFile());
                URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
                JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp))) {
            // Frames merge reference types, so the generator must see the jar's own hierarchy
            // as well as the JDK's.
            ClassFile classFile = ClassFile.of(
                    ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.defaultResolver()
                            .orElse(ClassHierarchyResolver.ofResourceParsing(loader))));
            for (JarEntry e : (Iterable<JarEntry>) in.stream()::iterator) {
                byte[] bytes;
                try (InputStream s = in.getInputStream(e)) {
                    bytes = s.readAllBytes();
                }
                if (isPlainClass(e.getName()) && majorVersion(bytes) < OLD_VERIFIER_BELOW) {
                    bytes = upgrade(classFile, classFile.parse(bytes));
                    count++;
                }
                JarEntry copy = new JarEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        } catch (RuntimeException | IOException ex) {
            Files.deleteIfExists(tmp);
            throw new IOException("cannot upgrade " + jar + ": " + ex.getMessage(), ex);
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return count;
    }

    private static byte[] upgrade(ClassFile classFile, ClassModel model) {
        // Passing every code element through a transform makes the builder re-emit the method
        // body, which is what generates its frames; copied code would keep no StackMapTable.
        ClassTransform toTarget = (builder, element) -> {
            switch (element) {
                case ClassFileVersion v -> builder.withVersion(TARGET, 0);
                case MethodModel m when m.code().isPresent() ->
                        builder.transformMethod(m, MethodTransform.transformingCode(CodeTransform.ACCEPT_ALL));
                default -> builder.with(element);
            }
        };
        return classFile.transformClass(model, toTarget);
    }

    private static boolean isPlainClass(String name) {
        return name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/");
    }

    private static int majorVersion(byte[] header) {
        if (header.length < 8 || (header[0] & 0xff) != 0xca || (header[1] & 0xff) != 0xfe) {
            throw new IllegalArgumentException("not a class file");
        }
        return ((header[6] & 0xff) << 8) | (header[7] & 0xff);
    }
}
