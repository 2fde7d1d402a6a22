package ai.backend.client.port;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;

/**
 * Settings every transport honours.
 *
 * @param connectTimeout time to establish a connection
 * @param readTimeout per-read idle timeout: the longest wait for the response headers and, after them,
 *     between two reads of the body (every adapter enforces both); {@code null} for none
 * @param proxy an HTTP proxy, or {@code null} for a direct connection
 * @param sslContext the TLS context, or {@code null} for the JDK default
 * @param insecureTls accept any server certificate and host name (self-signed development clusters)
 * @param maxConnections maximum pooled connections per route
 * @param executor executor for callbacks, or {@code null} to let the transport own one
 */
public record TransportConfig(
    Duration connectTimeout,
    Duration readTimeout,
    InetSocketAddress proxy,
    SSLContext sslContext,
    boolean insecureTls,
    int maxConnections,
    Executor executor) {

  public TransportConfig {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("maxConnections must be positive");
    }
  }

  public static TransportConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .connectTimeout(connectTimeout)
        .readTimeout(readTimeout)
        .proxy(proxy)
        .sslContext(sslContext)
        .insecureTls(insecureTls)
        .maxConnections(maxConnections)
        .executor(executor);
  }

  /** Builder with defaults: connect 10 s, read (idle) 5 min, 64 connections. */
  public static final class Builder {
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration readTimeout = Duration.ofMinutes(5);
    private InetSocketAddress proxy;
    private SSLContext sslContext;
    private boolean insecureTls;
    private int maxConnections = 64;
    private Executor executor;

    private Builder() {}

    public Builder connectTimeout(Duration v) {
      this.connectTimeout = v;
      return this;
    }

    public Builder readTimeout(Duration v) {
      this.readTimeout = v;
      return this;
    }

    public Builder proxy(InetSocketAddress v) {
      this.proxy = v;
      return this;
    }

    public Builder sslContext(SSLContext v) {
      this.sslContext = v;
      return this;
    }

    public Builder insecureTls(boolean v) {
      this.insecureTls = v;
      return this;
    }

    public Builder maxConnections(int v) {
      this.maxConnections = v;
      return this;
    }

    public Builder executor(Executor v) {
      this.executor = v;
      return this;
    }

    public TransportConfig build() {
      return new TransportConfig(
          connectTimeout, readTimeout, proxy, sslContext, insecureTls, maxConnections, executor);
    }
  }
}
