package ai.backend.local.graphql;

import ai.backend.local.folders.Folder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of the manager's minilang filter that {@code vfolder_list} understands: clauses {@code
 * field op "value"} joined by {@code &} (or {@code and}), with fields {@code name}, {@code status},
 * {@code usage_mode}, {@code permission}, {@code host}, {@code id} and operators {@code ==}, {@code
 * !=}, {@code like}, {@code ilike} ({@code %} and {@code _} wildcards). Anything else is an error,
 * not a silently ignored filter.
 */
final class FolderFilter {
  private static final Pattern CLAUSE = Pattern.compile(
      "\\s*([a-z_]+)\\s*(==|!=|ilike|like)\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|'((?:[^'\\\\]|\\\\.)*)')\\s*",
      Pattern.CASE_INSENSITIVE);

  private final Predicate<Folder> predicate;

  private FolderFilter(Predicate<Folder> predicate) {
    this.predicate = predicate;
  }

  static FolderFilter parse(String filter) {
    Predicate<Folder> all = f -> true;
    if (filter == null || filter.isBlank()) {
      return new FolderFilter(all);
    }
    for (String clause : filter.split("&|(?i)\\s+and\\s+")) {
      Matcher m = CLAUSE.matcher(clause);
      if (!m.matches()) {
        throw new IllegalArgumentException("Unsupported filter expression: " + clause.trim());
      }
      Function<Folder, String> field = field(m.group(1).toLowerCase(Locale.ROOT));
      String value = (m.group(4) != null ? m.group(4) : m.group(5)).replaceAll("\\\\(.)", "$1");
      String op = m.group(2).toLowerCase(Locale.ROOT);
      Predicate<Folder> p =
          switch (op) {
            case "==" -> f -> value.equals(field.apply(f));
            case "!=" -> f -> !value.equals(field.apply(f));
            case "like" -> like(value, false, field);
            default -> like(value, true, field);
          };
      all = all.and(p);
    }
    return new FolderFilter(all);
  }

  private static Function<Folder, String> field(String name) {
    return switch (name) {
      case "name" -> Folder::name;
      case "status" -> Folder::status;
      case "usage_mode" -> Folder::usageMode;
      case "permission" -> Folder::permission;
      case "host" -> Folder::host;
      case "id" -> Folder::id;
      default -> throw new IllegalArgumentException("Unsupported filter field: " + name);
    };
  }

  private static Predicate<Folder> like(
      String pattern, boolean ignoreCase, Function<Folder, String> field) {
    StringBuilder re = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      re.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
    }
    Pattern p = Pattern.compile(
        re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0);
    return f -> p.matcher(field.apply(f)).matches();
  }

  List<Folder> apply(List<Folder> folders) {
    List<Folder> out = new ArrayList<>();
    for (Folder f : folders) {
      if (predicate.test(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /** Orders by {@code name} or {@code created_at}; a leading {@code -} descends. */
  static List<Folder> order(List<Folder> folders, String order) {
    String o = order.trim();
    boolean desc = o.startsWith("-");
    String key = desc || o.startsWith("+") ? o.substring(1) : o;
    Comparator<Folder> c =
        switch (key) {
          case "name" -> Comparator.comparing(Folder::name);
          case "created_at" -> Comparator.comparing(Folder::createdAt);
          default -> throw new IllegalArgumentException("Unsupported order: " + order);
        };
    List<Folder> out = new ArrayList<>(folders);
    out.sort(desc ? c.reversed() : c);
    return out;
  }
}
