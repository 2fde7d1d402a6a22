package ai.backend.client.internal;

import ai.backend.client.Session;
import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.port.TransportProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one place that finds {@link TransportProvider}s and reads the user's preference. Providers come
 * from {@link ServiceLoader}, on the thread context class loader and on this library's own loader (they
 * differ in application servers and plugin hosts). The preference is an explicit name, else the system
 * property {@value Session#TRANSPORT_PROPERTY}, else the environment variable {@value
 * Session#TRANSPORT_ENV}; a name matches a provider's {@link TransportProvider#name()} or one of its
 * {@link TransportProvider#aliases()}, case-insensitively. Without a preference the highest priority
 * wins, ties broken by name. Holds no state: every call loads the providers afresh.
 */
public final class TransportDiscovery {
  static final String ARTIFACTS = "ai.backend:adapter-apache or ai.backend:adapter-jdkhttp";
  // A plain class, not Comparator.comparingInt(..).reversed().thenComparing(..): those combinators
  // spin
  // three JDK lambda classes at run time that the CLI's class-data archive does not hold (~5 ms of
  // `ps`).
  private static final Comparator<TransportProvider> ORDER = new ByPriority();

  private TransportDiscovery() {}

  /** Every provider found, by descending priority then name; the same class found twice is listed once. */
  public static List<TransportProvider> providers() {
    Map<String, TransportProvider> found = new LinkedHashMap<>();
    List<ClassLoader> loaders = new ArrayList<>();
    ClassLoader tccl = Thread.currentThread().getContextClassLoader();
    ClassLoader own = TransportDiscovery.class.getClassLoader();
    if (tccl != null && tccl != own) {
      loaders.add(tccl);
    }
    // one scan when both are the same (plain class path, the CLI): each reads the jars' service
    // files
    loaders.add(own);
    for (ClassLoader cl : loaders) {
      try {
        for (TransportProvider p : ServiceLoader.load(TransportProvider.class, cl)) {
          found.putIfAbsent(p.getClass().getName(), p);
        }
      } catch (ServiceConfigurationError e) {
        throw new ConfigurationException(
            "a transport provider could not be loaded: " + e.getMessage(), e);
      }
    }
    List<TransportProvider> list = new ArrayList<>(found.values());
    list.sort(ORDER);
    return List.copyOf(list);
  }

  /** The name the system property or, failing that, the environment asks for; {@code null} for none. */
  public static String preferredName() {
    return preferredName(System::getenv, System.getProperties());
  }

  /**
   * The provider named {@code name}, else the one {@link #preferredName()} names, else the
   * highest-priority one.
   *
   * @throws ConfigurationException when none (or not the named one) is on the class path
   */
  public static TransportProvider select(String name) {
    return select(name, System::getenv, System.getProperties(), providers());
  }

  /**
   * As {@link #select(String)}, among {@code candidates} instead of the providers a scan finds: for a
   * program that recorded an earlier scan (the CLI, whose jar cannot change under it).
   */
  public static TransportProvider select(String name, List<TransportProvider> candidates) {
    return select(name, System::getenv, System.getProperties(), candidates);
  }

  static String preferredName(Function<String, String> env, Properties properties) {
    return firstNonBlank(
        properties.getProperty(Session.TRANSPORT_PROPERTY), env.apply(Session.TRANSPORT_ENV));
  }

  static TransportProvider select(
      String name,
      Function<String, String> env,
      Properties properties,
      List<TransportProvider> candidates) {
    if (candidates.isEmpty()) {
      throw new ConfigurationException("no HTTP transport found on the class path: add " + ARTIFACTS
          + " (or pass a transport to Session.builder().transport(...))");
    }
    String wanted = firstNonBlank(name, preferredName(env, properties));
    // loops rather than streams: this runs on every CLI command, interpreted
    if (wanted == null) {
      TransportProvider best = null;
      for (TransportProvider p : candidates) {
        if (best == null || ORDER.compare(p, best) < 0) {
          best = p;
        }
      }
      return best;
    }
    String key = wanted.trim().toLowerCase(Locale.ROOT);
    for (TransportProvider p : candidates) {
      if (matches(p, key)) {
        return p;
      }
    }
    throw new ConfigurationException("transport '" + wanted + "' not found; available: "
        + candidates.stream()
            .sorted(ORDER)
            .map(TransportDiscovery::describe)
            .collect(Collectors.joining(", "))
        + " (set by Session.builder().transportName(...), -D" + Session.TRANSPORT_PROPERTY + " or "
        + Session.TRANSPORT_ENV + ")");
  }

  private static boolean matches(TransportProvider p, String key) {
    if (p.name().toLowerCase(Locale.ROOT).equals(key)) {
      return true;
    }
    for (String a : p.aliases()) {
      if (a.toLowerCase(Locale.ROOT).equals(key)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(TransportProvider p) {
    String aliases = p.aliases().isEmpty() ? "" : "alias " + String.join(", ", p.aliases()) + "; ";
    return p.name() + " (" + aliases + p.artifact() + ", priority " + p.priority() + ")";
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /** Descending priority, then name. */
  private static final class ByPriority implements Comparator<TransportProvider> {
    @Override
    public int compare(TransportProvider a, TransportProvider b) {
      int c = Integer.compare(b.priority(), a.priority());
      return c != 0 ? c : a.name().compareTo(b.name());
    }
  }
}
