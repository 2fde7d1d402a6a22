package ai.backend.client.internal.files;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Include/exclude filtering of relative paths ({@code /}-separated) for directory transfers. A pattern
 * without {@code /} is matched against single names, like {@code .gitignore}: as an include against
 * the file's name, as an exclude against every name on the way, so {@code .git} drops that whole
 * subtree. A pattern with {@code /} is matched against the whole relative path, and as an exclude also
 * against each parent directory. {@code *} and {@code ?} stay within a name, {@code **} crosses
 * directories; {@code [abc]}, {@code [!a-z]} and {@code {a,b}} work as in a shell.
 */
public final class Globs {
  private static final Globs ALL = new Globs(List.of(), List.of());

  private final List<Matcher> include;
  private final List<Matcher> exclude;

  private record Matcher(Pattern pattern, boolean nameOnly) {}

  private Globs(List<Matcher> include, List<Matcher> exclude) {
    this.include = include;
    this.exclude = exclude;
  }

  /** Everything passes. */
  public static Globs all() {
    return ALL;
  }

  /**
   * @param include patterns of which a file must match one (none: every file)
   * @param exclude patterns of which a file (or a directory on its way) must match none
   * @throws IllegalArgumentException for a malformed pattern (unclosed bracket or brace)
   */
  public static Globs of(List<String> include, List<String> exclude) {
    return new Globs(compile(include), compile(exclude));
  }

  private static List<Matcher> compile(List<String> globs) {
    List<Matcher> out = new ArrayList<>();
    for (String g : globs) {
      String p = g.startsWith("/") ? g.substring(1) : g;
      p = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
      if (p.isEmpty()) {
        throw new IllegalArgumentException("empty glob: '" + g + "'");
      }
      out.add(new Matcher(Pattern.compile(toRegex(p)), !p.contains("/")));
    }
    return List.copyOf(out);
  }

  /** Whether the file at {@code relativePath} ({@code a/b/c.txt}) is transferred. */
  public boolean accepts(String relativePath) {
    String[] names = relativePath.split("/");
    String name = names[names.length - 1];
    if (!include.isEmpty()) {
      boolean any = false;
      for (Matcher m : include) {
        if (m.pattern.matcher(m.nameOnly ? name : relativePath).matches()) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    // a file is dropped by the same excludes as a directory: by any name or prefix on its path
    return entersDirectory(relativePath);
  }

  /** Whether a directory may hold accepted files: false when an exclude drops it whole. */
  public boolean entersDirectory(String relativePath) {
    StringBuilder prefix = new StringBuilder();
    for (String n : relativePath.split("/")) {
      if (prefix.length() > 0) {
        prefix.append('/');
      }
      prefix.append(n);
      for (Matcher m : exclude) {
        if (m.pattern.matcher(m.nameOnly ? n : prefix).matches()) {
          return false;
        }
      }
    }
    return true;
  }

  static String toRegex(String glob) {
    StringBuilder r = new StringBuilder();
    int braces = 0;
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
              i++;
              r.append("(?:.*/)?"); // **/ also matches no directory at all
            } else {
              r.append(".*");
            }
          } else {
            r.append("[^/]*");
          }
        }
        case '?' -> r.append("[^/]");
        case '[' -> {
          int end = glob.indexOf(']', i + 2);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed '[' in glob: " + glob);
          }
          String body = glob.substring(i + 1, end);
          r.append('[');
          if (body.startsWith("!") || body.startsWith("^")) {
            r.append('^');
            body = body.substring(1);
          }
          r.append(body.replace("\\", "\\\\").replace("[", "\\["));
          r.append(']');
          i = end;
        }
        case '{' -> {
          braces++;
          r.append("(?:");
        }
        case '}' -> {
          if (braces == 0) {
            r.append("\\}");
          } else {
            braces--;
            r.append(')');
          }
        }
        case ',' -> r.append(braces > 0 ? "|" : ",");
        case '\\' -> {
          if (i + 1 < glob.length()) {
            r.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          }
        }
        default -> r.append(Pattern.quote(String.valueOf(c)));
      }
    }
    if (braces != 0) {
      throw new IllegalArgumentException("unclosed '{' in glob: " + glob);
    }
    return r.toString();
  }
}
