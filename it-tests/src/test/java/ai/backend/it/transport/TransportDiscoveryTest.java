package ai.backend.it.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.Session;
import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.internal.TransportDiscovery;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Discovery with both adapters on the class path: the name a transport reports is the name that selects it. */
class TransportDiscoveryTest {
  private static final Config OFFLINE = Config.builder()
      .endpoint("http://127.0.0.1:1")
      .accessKey("AK")
      .secretKey("secret")
      .apiVersion(ApiVersion.V4_20181215)
      .negotiate(false)
      .build();

  @Test
  void bothFoundApacheFirst() {
    assertEquals(
        List.of("apache-httpclient5", "jdk-http"),
        TransportDiscovery.providers().stream().map(TransportProvider::name).toList());
    assertEquals("apache-httpclient5", TransportDiscovery.select(null).name());
  }

  @Test
  void everyTransportReportsItsProvidersName() {
    for (TransportProvider p : TransportDiscovery.providers()) {
      try (HttpTransport t = p.createTransport(TransportConfig.defaults())) {
        assertEquals(p.name(), t.name());
      }
    }
  }

  @ParameterizedTest
  @CsvSource({
    "jdk-http, jdk-http",
    "jdk, jdk-http",
    "apache-httpclient5, apache-httpclient5",
    "APACHE, apache-httpclient5"
  })
  void theReportedNameAndTheAliasSelect(String asked, String reported) {
    try (Session s = Session.builder().config(OFFLINE).transportName(asked).build()) {
      assertEquals(reported, s.transportName());
    }
  }

  @Test
  void unknownNameIsAConfigurationErrorListingBoth() {
    ConfigurationException e = assertThrows(
        ConfigurationException.class,
        () -> Session.builder().config(OFFLINE).transportName("netty").build());
    assertTrue(
        e.getMessage()
            .contains("apache-httpclient5 (alias apache; ai.backend:adapter-apache, priority 200)"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("jdk-http (alias jdk; ai.backend:adapter-jdkhttp, priority 100)"),
        e.getMessage());
  }

  @Test
  void realSystemPropertyIsHonoured() {
    String old = System.getProperty(Session.TRANSPORT_PROPERTY);
    try {
      System.setProperty(Session.TRANSPORT_PROPERTY, "jdk-http");
      try (Session s = Session.builder().config(OFFLINE).build()) {
        assertEquals("jdk-http", s.transportName());
      }
      assertEquals(
          "apache-httpclient5",
          TransportDiscovery.select("apache").name(),
          "an explicit name wins");
    } finally {
      if (old == null) {
        System.clearProperty(Session.TRANSPORT_PROPERTY);
      } else {
        System.setProperty(Session.TRANSPORT_PROPERTY, old);
      }
    }
  }
}
