package ai.backend.client.port;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds {@link TransportProvider}s with {@link ServiceLoader} and picks one deterministically. The
 * preferred name comes from the argument, else the system property {@value #PROPERTY}, else the
 * environment variable {@value #ENV}; without a preference the highest priority wins (ties by name).
 * Holds no state: every call loads the providers afresh.
 */
public final class TransportProviders {
  /** System property naming the preferred provider. */
  public static final String PROPERTY = "backendai.transport";
  /** Environment variable naming the preferred provider. */
  public static final String ENV = "BACKEND_TRANSPORT";
  static final String ARTIFACTS = "ai.backend:adapter-apache or ai.backend:adapter-jdkhttp";

  private static final Comparator<TransportProvider> ORDER =
      Comparator.comparingInt(TransportProvider::priority).reversed().thenComparing(TransportProvider::name);

  private TransportProviders() {}

  /**
   * Every provider visible to the thread context class loader and to this library's loader, by
   * descending priority then name; the same provider class found twice is listed once.
   */
  public static List<TransportProvider> available() {
    Map<String, TransportProvider> found = new LinkedHashMap<>();
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    if (tccl != null) {
      ServiceLoader.load(TransportProvider.class, tccl).forEach(p -> found.putIfAbsent(p.getClass().getName(), p));
    }
    ServiceLoader.load(TransportProvider.class, TransportProviders.class.getClassLoader())
        .forEach(p -> found.putIfAbsent(p.getClass().getName(), p));
    List<TransportProvider> list = new ArrayList<>(found.values());
    list.sort(ORDER);
    return List.copyOf(list);
  }

  /** Selects with the real system properties and environment. */
  public static TransportProvider select(String preferredName) {
    return select(preferredName, System::getenv, System.getProperties(), available());
  }

  /**
   * Selects from {@code candidates}, reading the preference from {@code argument}, then
   * {@code properties}, then {@code env} (injectable for tests).
   *
   * @throws IllegalStateException when no provider is present, or the preferred one is not
   */
  public static TransportProvider select(
      String argument, Function<String, String> env, Properties properties, List<TransportProvider> candidates) {
    if (candidates.isEmpty()) {
      throw new IllegalStateException("no Backend.AI HTTP transport on the class path: add " + ARTIFACTS);
    }
    String wanted = firstNonBlank(argument, properties.getProperty(PROPERTY), env.apply(ENV));
    if (wanted == null) {
      return candidates.stream().min(ORDER).orElseThrow();
    }
    String key = wanted.trim().toLowerCase(Locale.ROOT);
    return candidates.stream()
        .filter(p -> p.name().toLowerCase(Locale.ROOT).equals(key))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("transport '" + wanted + "' not found; available: "
            + candidates.stream().sorted(ORDER)
                .map(p -> p.name() + " (" + p.artifact() + ", priority " + p.priority() + ")")
                .collect(Collectors.joining(", "))));
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }
}
