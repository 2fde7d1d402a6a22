package ai.backend.local.engine;

import static ai.backend.local.engine.Workspace.q;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtimes the engine serves, one entry per language with everything that differs between them:
 * which images map to it, the tool it needs (and the Debian package that installs it), and the
 * commands of a query snippet and of the default batch build and exec steps. Not named
 * {@code Runtime}, which would hide {@link java.lang.Runtime} in this package.
 */
enum LanguageRuntime {
  PYTHON("python", "python.*", "python3", "python3", "python3") {
    @Override
    String queryCommand(Workspace w, int n, String code) throws IOException {
      // only reached if the persistent interpreter is bypassed; kept runnable all the same
      return q(w.tools.of(this)) + " " + q(w.write("q" + n + ".py", code));
    }

    @Override
    String defaultBuild(Workspace w) {
      return w.hasFile("setup.py") ? q(w.tools.of(this)) + " setup.py develop" : null;
    }

    @Override
    String defaultExec(Workspace w) {
      return w.hasFile("main.py")
          ? q(w.tools.of(this)) + " main.py"
          : "echo 'python3: cannot open file main.py: No such file or directory' >&2; exit 127";
    }
  },

  C("c", "c|gcc", "gcc", "gcc", "gcc") {
    @Override
    String queryCommand(Workspace w, int n, String code) throws IOException {
      return compileAndRun(w, n, code, ".c", " -lm");
    }

    @Override
    String defaultBuild(Workspace w) {
      return q(w.tools.of(this)) + " -Wall -o ./main *.c -lm";
    }

    @Override
    String defaultExec(Workspace w) {
      return "./main";
    }
  },

  CPP("cpp", "cpp|c\\+\\+|cxx|g\\+\\+", "g++", "g++", "g++") {
    @Override
    String queryCommand(Workspace w, int n, String code) throws IOException {
      return compileAndRun(w, n, code, ".cpp", "");
    }

    @Override
    String defaultBuild(Workspace w) {
      List<String> srcs = w.filesEnding(".cpp", ".cc", ".cxx");
      String files = srcs.isEmpty()
          ? "*.cpp"
          : String.join(" ", srcs.stream().map(Workspace::q).toList());
      return q(w.tools.of(this)) + " -o ./main " + files;
    }

    @Override
    String defaultExec(Workspace w) {
      return "./main";
    }
  },

  JAVA("java", "(java|openjdk|jdk)\\d*", "java", "default-jdk-headless", "java") {
    @Override
    String queryCommand(Workspace w, int n, String code) throws IOException {
      Matcher m = JAVA_CLASS.matcher(code);
      String src = code;
      String cls = "Main";
      if (m.find()) {
        cls = m.group(1);
      } else {
        src = "public class Main { public static void main(String[] args) throws Exception {\n"
            + code
            + "\n} }\n";
      }
      Path dir = Files.createDirectories(w.privateDir.resolve("j" + n));
      Path file = dir.resolve(cls + ".java");
      Files.writeString(file, src);
      return q(w.tools.of(this)) + " " + q(file.toString());
    }

    @Override
    String defaultBuild(Workspace w) {
      return (w.tools.javac != null ? q(w.tools.javac) : "javac") + " -d . *.java";
    }

    @Override
    String defaultExec(Workspace w) {
      return q(w.tools.of(this)) + " -cp . " + javaMainClass(w);
    }

    @Override
    boolean limitAddressSpace() {
      return false; // the JVM reserves huge virtual ranges
    }
  },

  NODEJS("nodejs", "node|nodejs", "node", "nodejs", "node", "nodejs") {
    @Override
    String queryCommand(Workspace w, int n, String code) throws IOException {
      return q(w.tools.of(this)) + " " + q(w.write("q" + n + ".js", code));
    }

    @Override
    String defaultExec(Workspace w) {
      return q(w.tools.of(this)) + " main.js";
    }

    @Override
    boolean limitAddressSpace() {
      return false; // V8 reserves huge virtual ranges
    }
  },

  LUA(
      "lua5",
      "lua[0-9.]*",
      "lua5.4 (or lua5.3, lua)",
      "lua5.4",
      "lua5.4",
      "lua5.3",
      "lua",
      "lua5.2",
      "lua5.1") {
    @Override
    String queryCommand(Workspace w, int n, String code) throws IOException {
      return q(w.tools.of(this)) + " " + q(w.write("q" + n + ".lua", code));
    }

    @Override
    String defaultExec(Workspace w) {
      return q(w.tools.of(this)) + " main.lua";
    }
  },

  SH("sh", "sh|bash|shell", "sh", "dash", "sh") {
    @Override
    String queryCommand(Workspace w, int n, String code) throws IOException {
      String shell = w.tools.bash != null ? w.tools.bash : w.tools.of(this);
      return q(shell) + " " + q(w.write("q" + n + ".sh", code));
    }

    @Override
    String defaultExec(Workspace w) {
      return "sh main.sh";
    }
  };

  private static final Pattern JAVA_CLASS =
      Pattern.compile("(?m)^\\s*(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)");

  private final String id;
  private final Pattern images;
  private final String toolHint;
  private final String debianPackage;
  private final List<String> executables;

  LanguageRuntime(
      String id, String images, String toolHint, String debianPackage, String... executables) {
    this.id = id;
    this.images = Pattern.compile(images);
    this.toolHint = toolHint;
    this.debianPackage = debianPackage;
    this.executables = List.of(executables);
  }

  /** The runtime's name in the API ({@code Kernel.runtime()}, the session's runtime). */
  String id() {
    return id;
  }

  /** The tool's name as a missing-tool message shows it. */
  String toolHint() {
    return toolHint;
  }

  /** The Debian package that installs the tool. */
  String debianPackage() {
    return debianPackage;
  }

  /** The executables that provide the tool, in order of preference. */
  List<String> executables() {
    return executables;
  }

  /** True when query mode goes to one persistent interpreter instead of a child process per run. */
  boolean persistentInterpreter() {
    return this == PYTHON;
  }

  /** Whether a memory limit may be set as an address-space limit ({@code prlimit --as}). */
  boolean limitAddressSpace() {
    return true;
  }

  /** The shell command that runs one query-mode snippet (number {@code n} of this kernel). */
  abstract String queryCommand(Workspace w, int n, String code) throws IOException;

  /** The batch build step for {@code "*"} when the work directory has no Makefile; null: none. */
  String defaultBuild(Workspace w) {
    return null;
  }

  /** The batch exec step for {@code "*"}. */
  abstract String defaultExec(Workspace w);

  /** The runtime of an image: its last path segment, tag and digest stripped, e.g. {@code lua:5.3}. */
  static LanguageRuntime forImage(String image) {
    if (image == null || image.isBlank()) {
      throw unknownImage(image);
    }
    String s = image.trim();
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    String last = s.substring(s.lastIndexOf('/') + 1);
    int colon = last.indexOf(':');
    String name = (colon >= 0 ? last.substring(0, colon) : last).toLowerCase(Locale.ROOT);
    for (LanguageRuntime r : values()) {
      if (r.images.matcher(name).matches()) {
        return r;
      }
    }
    throw unknownImage(image);
  }

  /** The runtime whose {@link #id()} is {@code id}. */
  static LanguageRuntime of(String id) {
    for (LanguageRuntime r : values()) {
      if (r.id.equals(id)) {
        return r;
      }
    }
    throw new IllegalArgumentException("no runtime " + id);
  }

  /** The image names the engine serves, one per runtime (each is also its runtime's id). */
  static List<String> imageNames() {
    return Arrays.stream(values()).map(LanguageRuntime::id).toList();
  }

  private static UnknownImageException unknownImage(String image) {
    return new UnknownImageException("Unknown image: " + image);
  }

  /** Compiles the snippet with this runtime's compiler next to it, then runs the binary. */
  String compileAndRun(Workspace w, int n, String code, String ext, String libs)
      throws IOException {
    String src = w.write("q" + n + ext, code);
    String bin = w.privateDir.resolve("q" + n).toString();
    return q(w.tools.of(this)) + " -o " + q(bin) + " " + q(src) + libs + " && " + q(bin);
  }

  /** The class with a main method among the work dir's sources; {@code Main} otherwise. */
  private static String javaMainClass(Workspace w) {
    for (String f : w.filesEnding(".java")) {
      try {
        String src = Files.readString(w.workDir.resolve(f));
        if (src.contains("static void main")) {
          return f.substring(0, f.length() - ".java".length());
        }
      } catch (IOException | RuntimeException e) {
        // unreadable: skip
      }
    }
    return "Main";
  }
}
