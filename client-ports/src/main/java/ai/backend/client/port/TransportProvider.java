package ai.backend.client.port;

/**
 * Registered in {@code META-INF/services/ai.backend.client.port.TransportProvider} by each adapter.
 * When several are present the one with the highest {@link #priority()} wins (ties broken by name),
 * unless the user names one explicitly.
 */
public interface TransportProvider {

  /** Stable short name users select it by, e.g. {@code jdk} or {@code apache}. */
  String name();

  /** The Maven artifact that carries this provider, for error messages. */
  String artifact();

  int priority();

  HttpTransport createTransport(TransportConfig config);

  /** The HMAC/hash primitive of this adapter. */
  Hmac hmac();
}
