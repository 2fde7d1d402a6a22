package ai.backend.client.port;

import java.util.List;

/**
 * Registered in {@code META-INF/services/ai.backend.client.port.TransportProvider} by each adapter.
 * When several are present the one with the highest {@link #priority()} wins (ties broken by name),
 * unless the user names one explicitly.
 */
public interface TransportProvider {

  /**
   * The canonical name: users select the provider by it, and every transport it creates reports the
   * same through {@link HttpTransport#name()} (e.g. {@code jdk-http}, {@code apache-httpclient5}).
   */
  String name();

  /** Other names that select this provider too, e.g. the short {@code jdk}; none by default. */
  default List<String> aliases() {
    return List.of();
  }

  /** The Maven artifact that carries this provider, for error messages. */
  String artifact();

  int priority();

  HttpTransport createTransport(TransportConfig config);

  /** The HMAC/hash primitive of this adapter. */
  Hmac hmac();
}
