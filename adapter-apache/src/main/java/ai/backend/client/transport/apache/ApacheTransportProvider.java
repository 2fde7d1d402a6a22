package ai.backend.client.transport.apache;

import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;

/**
 * The {@code apache} transport: Apache HttpClient 5 (classic for blocking calls, async for futures),
 * Bouncy Castle HMAC (adds BLAKE2), WebSockets through the JDK's {@code java.net.http}.
 */
public final class ApacheTransportProvider implements TransportProvider {
  // created on first use: the provider is also instantiated by programs that sign with another Hmac
  private static final class Holder {
    static final Hmac HMAC = new BcHmac();
  }

  @Override
  public String name() {
    return "apache";
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
