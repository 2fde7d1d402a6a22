package ai.backend.client.transport.jdk;

import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;
import java.util.List;

/** The {@code jdk-http} transport (alias {@code jdk}): {@code java.net.http} and {@code javax.crypto}, no dependencies. */
public final class JdkTransportProvider implements TransportProvider {
  /** The canonical name, which the transports report too. */
  static final String NAME = "jdk-http";

  private static final Hmac HMAC = new JdkHmac();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> aliases() {
    return List.of("jdk");
  }

  @Override
  public String artifact() {
    return "ai.backend:adapter-jdkhttp";
  }

  @Override
  public int priority() {
    return 100;
  }

  @Override
  public HttpTransport createTransport(TransportConfig config) {
    return new JdkHttpTransport(config);
  }

  @Override
  public Hmac hmac() {
    return HMAC;
  }
}
