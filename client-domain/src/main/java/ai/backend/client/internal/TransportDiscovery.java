package ai.backend.client.internal;

import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.port.TransportProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds {@link TransportProvider}s with {@link ServiceLoader}, on the thread context class loader and
 * on this library's own loader (they differ in application servers and plugin hosts). Deterministic:
 * highest priority wins, ties broken by name; errors name every candidate.
 */
public final class TransportDiscovery {
  static final String ARTIFACTS = "ai.backend:adapter-jdkhttp or ai.backend:adapter-apache";

  private TransportDiscovery() {}

  /** Every provider found, by descending priority then name; duplicates (same class) removed. */
  public static List<TransportProvider> providers() {
    Map<String, TransportProvider> found = new LinkedHashMap<>();
    List<ClassLoader> loaders = new ArrayList<>();
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    if (tccl != null) {
      loaders.add(tccl);
    }
    loaders.add(TransportDiscovery.class.getClassLoader());
    for (ClassLoader cl : loaders) {
      try {
        for (TransportProvider p : ServiceLoader.load(TransportProvider.class, cl)) {
          found.putIfAbsent(p.getClass().getName(), p);
        }
      } catch (ServiceConfigurationError e) {
        throw new ConfigurationException("a transport provider could not be loaded: " + e.getMessage(), e);
      }
    }
    List<TransportProvider> list = new ArrayList<>(found.values());
    list.sort(Comparator.comparingInt(TransportProvider::priority).reversed().thenComparing(TransportProvider::name));
    return list;
  }

  /**
   * The provider named {@code name} (case-insensitive), or the highest-priority one when {@code name}
   * is null or blank.
   *
   * @throws ConfigurationException when none (or not the named one) is on the class path
   */
  public static TransportProvider select(String name) {
    return select(name, providers());
  }

  static TransportProvider select(String name, List<TransportProvider> candidates) {
    if (candidates.isEmpty()) {
      throw new ConfigurationException("no HTTP transport found on the class path: add " + ARTIFACTS
          + " (or pass a transport to Session.builder().transport(...))");
    }
    if (name == null || name.isBlank()) {
      return candidates.get(0);
    }
    String wanted = name.trim().toLowerCase(Locale.ROOT);
    return candidates.stream()
        .filter(p -> p.name().toLowerCase(Locale.ROOT).equals(wanted))
        .findFirst()
        .orElseThrow(() -> new ConfigurationException("transport '" + name + "' not found; available: "
            + candidates.stream().map(p -> p.name() + " (" + p.artifact() + ", priority " + p.priority() + ")")
                .collect(Collectors.joining(", "))));
  }
}
