package ai.backend.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;
import ai.backend.client.testsupport.FakeTransport;
import ai.backend.transport.tck.ReferenceHmac;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** Every {@link TransportConfig} field set on the builder reaches the provider that creates the transport. */
@SuppressWarnings(
    "try") // the sessions are opened for what their construction does to the transport
class SessionTransportOptionsTest {
  private final Config config = Config.builder()
      .endpoint("http://127.0.0.1:8081")
      .accessKey("AK")
      .secretKey("secret")
      .connectTimeout(Duration.ofSeconds(3))
      .readTimeout(Duration.ofSeconds(7))
      .skipSslCertValidation(true)
      .build();

  @Test
  void withoutOptionsTheConfigDecides() {
    Recording p = new Recording();
    try (Session s = Session.builder().config(config).transportProvider(p).build()) {
      assertEquals(Duration.ofSeconds(3), p.seen.connectTimeout());
      assertEquals(Duration.ofSeconds(7), p.seen.readTimeout());
      assertTrue(p.seen.insecureTls());
      assertNull(p.seen.proxy());
      assertNull(p.seen.sslContext());
      assertEquals(64, p.seen.maxConnections());
      assertNull(p.seen.executor());
    }
    assertTrue(p.transport.closed(), "a transport the session created is closed with it");
  }

  @Test
  void eachOptionReachesTheTransport() throws Exception {
    Recording p = new Recording();
    InetSocketAddress proxy = InetSocketAddress.createUnresolved("proxy.example", 3128);
    SSLContext tls = SSLContext.getInstance("TLS");
    Executor executor = Runnable::run;
    try (Session s = Session.builder()
        .config(config)
        .transportProvider(p)
        .proxy(proxy)
        .sslContext(tls)
        .maxConnections(5)
        .executor(executor)
        .build()) {
      assertSame(proxy, p.seen.proxy());
      assertSame(tls, p.seen.sslContext());
      assertEquals(5, p.seen.maxConnections());
      assertSame(executor, p.seen.executor());
      assertEquals(
          Duration.ofSeconds(3), p.seen.connectTimeout(), "the rest still comes from the config");
      assertTrue(p.seen.insecureTls());
    }
  }

  @Test
  void aWholeTransportConfigReplacesTheConfigsAndOptionsOverrideIt() {
    Recording p = new Recording();
    TransportConfig whole = TransportConfig.builder()
        .connectTimeout(Duration.ofSeconds(1))
        .readTimeout(null)
        .maxConnections(2)
        .build();
    try (Session s = Session.builder()
        .config(config)
        .transportProvider(p)
        .transportConfig(whole)
        .maxConnections(9)
        .build()) {
      assertEquals(Duration.ofSeconds(1), p.seen.connectTimeout());
      assertNull(p.seen.readTimeout());
      assertFalse(p.seen.insecureTls());
      assertEquals(9, p.seen.maxConnections());
    }
  }

  @Test
  void badValuesFailAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> Session.builder().maxConnections(0));
    assertThrows(NullPointerException.class, () -> Session.builder().proxy(null));
  }

  /** Creates a scripted in-memory transport and remembers the settings it was asked for. */
  private static final class Recording implements TransportProvider {
    final FakeTransport transport = new FakeTransport().json(200, "{\"version\": \"v4.20181215\"}");
    TransportConfig seen;

    @Override
    public String name() {
      return "recording";
    }

    @Override
    public String artifact() {
      return "test";
    }

    @Override
    public int priority() {
      return 0;
    }

    @Override
    public HttpTransport createTransport(TransportConfig config) {
      seen = config;
      return transport;
    }

    @Override
    public Hmac hmac() {
      return new ReferenceHmac();
    }
  }
}
