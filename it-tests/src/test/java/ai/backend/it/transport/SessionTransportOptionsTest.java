package ai.backend.it.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.backend.client.Config;
import ai.backend.client.KeypairInfo;
import ai.backend.client.Session;
import ai.backend.local.LocalServer;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Transport options set on {@code Session.builder()} reach a real adapter: local-server plays the HTTP
 * proxy for an endpoint whose host nobody could resolve, so only a proxied request can succeed.
 */
class SessionTransportOptionsTest {
  static LocalServer server;

  @BeforeAll
  static void start() {
    server = LocalServer.builder().port(0).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"apache-httpclient5", "jdk-http"})
  void aSessionGoesThroughTheConfiguredProxy(String transport) {
    Config config = Config.builder()
        .endpoint("http://backend.invalid")
        .accessKey(server.accessKey())
        .secretKey(server.secretKey())
        .maxRetries(0)
        .build();
    try (Session s = Session.builder()
        .config(config)
        .transportName(transport)
        .proxy(new InetSocketAddress("127.0.0.1", server.uri().getPort()))
        .maxConnections(2)
        .build()) {
      assertEquals(transport, s.transportName());
      KeypairInfo kp = s.admin().keypair();
      assertEquals(server.accessKey(), kp.accessKey());
    }
  }
}
