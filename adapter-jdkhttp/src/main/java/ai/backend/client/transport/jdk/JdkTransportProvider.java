package ai.backend.client.transport.jdk;

import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;

/** The {@code jdk} transport: {@code java.net.http} and {@code javax.crypto}, no dependencies. */
public final class JdkTransportProvider implements TransportProvider {
  private static final Hmac HMAC = new JdkHmac();

  @Override
  public String name() {
    return "jdk";
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
