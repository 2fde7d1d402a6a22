package ai.backend.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.testsupport.FakeTransport;
import ai.backend.transport.tck.ReferenceHmac;
import org.junit.jupiter.api.Test;

class SessionTest {
  private final Config config = Config.builder()
      .endpoint("http://127.0.0.1:8081")
      .accessKey("AK")
      .secretKey("secret")
      .build();

  @Test
  void negotiatesAndLeavesAnInjectedTransportOpen() {
    FakeTransport t = new FakeTransport().json(200, "{\"version\": \"v4.20181215\"}");
    try (Session s =
        Session.builder().config(config).transport(t).hmac(new ReferenceHmac()).build()) {
      assertEquals(ApiVersion.V4_20181215, s.apiVersion());
      assertEquals("kernel", s.dialect().sessionPrefix());
      assertEquals(ApiVersion.V4_20181215, s.serverInfo().server().orElseThrow());
      assertFalse(s.toString().contains("secret"));
    }
    assertFalse(t.closed());
  }

  @Test
  void withoutAdaptersTheErrorNamesTheArtifacts() {
    // client-domain's own test class path has no TransportProvider
    ConfigurationException e = assertThrows(
        ConfigurationException.class, () -> Session.builder().config(config).build());
    assertTrue(e.getMessage().contains("ai.backend:adapter-jdkhttp"), e.getMessage());
    assertTrue(e.getMessage().contains("ai.backend:adapter-apache"), e.getMessage());
  }
}
