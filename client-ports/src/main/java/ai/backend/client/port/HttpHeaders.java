package ai.backend.client.port;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Immutable, case-insensitive multi-map of HTTP header fields. Iteration order is by lower-cased name.
 * {@link #toString()} redacts credentials so that headers can be logged safely.
 */
public final class HttpHeaders {
  private static final HttpHeaders EMPTY = new HttpHeaders(new TreeMap<>());
  private static final List<String> SENSITIVE =
      List.of("authorization", "cookie", "set-cookie", "proxy-authorization");

  private final Map<String, List<String>> map; // keys lower-cased

  private HttpHeaders(TreeMap<String, List<String>> map) {
    this.map = Collections.unmodifiableMap(map);
  }

  /** An empty header set. */
  public static HttpHeaders empty() {
    return EMPTY;
  }

  /** Copies the given map; names are folded to lower case, values keep their order. */
  public static HttpHeaders of(Map<String, ? extends List<String>> headers) {
    Builder b = builder();
    headers.forEach((k, vs) -> {
      if (k != null) {
        for (String v : vs) {
          b.add(k, v);
        }
      }
    });
    return b.build();
  }

  /** Convenience for a few single-valued headers: {@code of("a", "1", "b", "2")}. */
  public static HttpHeaders of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    Builder b = builder();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      b.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting with these headers. */
  public Builder toBuilder() {
    Builder b = new Builder();
    map.forEach((k, vs) -> b.map.put(k, new ArrayList<>(vs)));
    return b;
  }

  /** The first value of the header, if present. */
  public Optional<String> firstValue(String name) {
    List<String> vs = map.get(name.toLowerCase(Locale.ROOT));
    return vs == null || vs.isEmpty() ? Optional.empty() : Optional.of(vs.get(0));
  }

  /** All values of the header, in order; empty when absent. */
  public List<String> allValues(String name) {
    List<String> vs = map.get(name.toLowerCase(Locale.ROOT));
    return vs == null ? List.of() : vs;
  }

  public boolean contains(String name) {
    return map.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** The headers as an unmodifiable map keyed by lower-cased name. */
  public Map<String, List<String>> map() {
    return map;
  }

  public boolean isEmpty() {
    return map.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HttpHeaders h && h.map.equals(map);
  }

  @Override
  public int hashCode() {
    return map.hashCode();
  }

  /** Header names and values, with credential-bearing values replaced by {@code ***}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    map.forEach((k, vs) -> {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(k).append('=').append(SENSITIVE.contains(k) ? "[***]" : vs.toString());
    });
    return sb.append('}').toString();
  }

  /** Mutable builder; not thread-safe. */
  public static final class Builder {
    private final TreeMap<String, List<String>> map = new TreeMap<>();

    private Builder() {}

    /** Adds a value, keeping existing ones. */
    public Builder add(String name, String value) {
      map.computeIfAbsent(check(name), k -> new ArrayList<>()).add(checkValue(value));
      return this;
    }

    /** Replaces every value of the header with this one. */
    public Builder set(String name, String value) {
      List<String> vs = new ArrayList<>();
      vs.add(checkValue(value));
      map.put(check(name), vs);
      return this;
    }

    public Builder remove(String name) {
      map.remove(name.toLowerCase(Locale.ROOT));
      return this;
    }

    public HttpHeaders build() {
      TreeMap<String, List<String>> copy = new TreeMap<>();
      map.forEach((k, vs) -> copy.put(k, List.copyOf(vs)));
      return new HttpHeaders(copy);
    }

    private static String check(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("header name must not be blank");
      }
      return name.toLowerCase(Locale.ROOT);
    }

    private static String checkValue(String value) {
      if (value == null) {
        throw new IllegalArgumentException("header value must not be null");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header value must not contain CR or LF");
      }
      return value;
    }
  }
}
