package ai.backend.client.transport.apache;

import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;
import java.util.List;

/**
 * The {@code apache-httpclient5} transport (alias {@code apache}): Apache HttpClient 5 (classic for blocking calls, async for futures),
 * Bouncy Castle HMAC (adds BLAKE2), WebSockets through the JDK's {@code java.net.http}.
 */
public final class ApacheTransportProvider implements TransportProvider {
  /** The canonical name, which the transports report too. */
  static final String NAME = "apache-httpclient5";
  // created on first use: the provider is also instantiated by programs that sign with another Hmac
  private static final class Holder {
    static final Hmac HMAC = new BcHmac();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<String> aliases() {
    return List.of("apache");
  }

  @Override
  public String artifact() {
    return "ai.backend:adapter-apache";
  }

  @Override
  public int priority() {
    return 200;
  }

  @Override
  public HttpTransport createTransport(TransportConfig config) {
    return new ApacheHttpTransport(config);
  }

  @Override
  public Hmac hmac() {
    return Holder.HMAC;
  }
}
