package dev.panavisor.devices.fwcfg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's fw-cfg file as QEMU's {@code -fw_cfg [name=]NAME,file=PATH} or
 * {@code -fw_cfg [name=]NAME,string=TEXT} gives it (fw_cfg.rst, "Externally Provided Items"),
 * for the launcher's {@code --fw-cfg-file}. The name must start with {@code opt/}: the spec reserves
 * that prefix for users, and here only users' names are accepted from the command line. As in
 * QEMU's option syntax a comma inside a value is written twice ({@code ,,}). The file is only named
 * here; {@link FwCfgBuilder#userFile} checks it exists and takes its size.
 *
 * @param name   the file's name in the fw-cfg directory
 * @param path   the host file to expose, or null
 * @param string the text to expose (without a NUL, as QEMU stores it), or null
 */
public record FwCfgFileOption(String name, Path path, String string) {
    public FwCfgFileOption {
        FwCfgFileNames.checkUserName(name);
        if ((path == null) == (string == null)) throw new IllegalArgumentException("give exactly one of file= and string=");
    }

    /** Parses the option's value; throws IllegalArgumentException with a message for people. */
    public static FwCfgFileOption parse(String spec) {
        String name = null, file = null, string = null;
        List<String> parts = split(spec);
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            int eq = part.indexOf('=');
            String key = eq < 0 ? (i == 0 ? "name" : part) : part.substring(0, eq);
            String value = eq < 0 ? (i == 0 ? part : null) : part.substring(eq + 1);
            if (value == null) throw new IllegalArgumentException("--fw-cfg-file: '" + part + "' is not key=value");
            switch (key) {
                case "name" -> name = once("name", name, value);
                case "file" -> file = once("file", file, value);
                case "string" -> string = once("string", string, value);
                default -> throw new IllegalArgumentException("--fw-cfg-file: unknown key '" + key + "' (expected name, file or string)");
            }
        }
        if (name == null) throw new IllegalArgumentException("--fw-cfg-file: missing name=opt/...");
        if (file != null && file.isEmpty()) throw new IllegalArgumentException("--fw-cfg-file: file= is empty");
        if (file == null && string == null) throw new IllegalArgumentException("--fw-cfg-file " + name + ": give file=PATH or string=TEXT");
        if (file != null && string != null) throw new IllegalArgumentException("--fw-cfg-file " + name + ": give file= or string=, not both");
        if (string != null) {
            for (int i = 0; i < string.length(); i++) {
                if (string.charAt(i) > 0x7f) throw new IllegalArgumentException("--fw-cfg-file " + name + ": string= must be ASCII");
            }
        }
        return new FwCfgFileOption(name, file != null ? Path.of(file) : null, string);
    }

    private static String once(String key, String previous, String value) {
        if (previous != null) throw new IllegalArgumentException("--fw-cfg-file: " + key + "= given twice");
        return value;
    }

    /** Splits at single commas; a doubled comma stands for one comma in the value. */
    private static List<String> split(String spec) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c == ',') {
                if (i + 1 < spec.length() && spec.charAt(i + 1) == ',') {
                    current.append(',');
                    i++;
                    continue;
                }
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
