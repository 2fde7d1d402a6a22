package ai.backend.client.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.errors.ConfigurationException;
import ai.backend.client.port.Hmac;
import ai.backend.client.port.HttpTransport;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Selection rules; the real providers are discovered in it-tests, where both adapters are present. */
class TransportDiscoveryTest {
  private static final Function<String, String> NO_ENV = k -> null;
  private static final List<TransportProvider> BOTH = List.of(
      new Named("jdk-http", "jdk", "ai.backend:adapter-jdkhttp", 100),
      new Named("apache-httpclient5", "apache", "ai.backend:adapter-apache", 200));

  private static String pick(String arg, Function<String, String> env, Properties props) {
    return TransportDiscovery.select(arg, env, props, BOTH).name();
  }

  @Test
  void highestPriorityWinsWithoutPreference() {
    assertEquals("apache-httpclient5", pick(null, NO_ENV, new Properties()));
    assertEquals("apache-httpclient5", pick(" ", k -> "", new Properties()));
  }

  @Test
  void argumentThenPropertyThenEnvironment() {
    Properties props = new Properties();
    Function<String, String> env = Map.of("BACKEND_TRANSPORT", "jdk-http")::get;
    assertEquals("jdk-http", pick(null, env, props), "environment");
    props.setProperty("backendai.transport", "apache");
    assertEquals("apache-httpclient5", pick(null, env, props), "property beats environment");
    assertEquals("jdk-http", pick("jdk-http", env, props), "argument beats both");
    assertEquals("apache", TransportDiscovery.preferredName(env, props));
    assertNull(TransportDiscovery.preferredName(NO_ENV, new Properties()));
  }

  @Test
  void theReportedNameAndTheAliasBothSelectCaseInsensitively() {
    assertEquals("jdk-http", pick("JDK-HTTP", NO_ENV, new Properties()));
    assertEquals("jdk-http", pick(" jdk ", NO_ENV, new Properties()));
    assertEquals("apache-httpclient5", pick("Apache", NO_ENV, new Properties()));
  }

  @Test
  void unknownNameIsAConfigurationErrorListingEveryProvider() {
    ConfigurationException e =
        assertThrows(ConfigurationException.class, () -> pick("netty", NO_ENV, new Properties()));
    String m = e.getMessage();
    assertTrue(
        m.startsWith("transport 'netty' not found; available: "
            + "apache-httpclient5 (alias apache; ai.backend:adapter-apache, priority 200), "
            + "jdk-http (alias jdk; ai.backend:adapter-jdkhttp, priority 100)"),
        m);
    assertTrue(m.contains("backendai.transport") && m.contains("BACKEND_TRANSPORT"), m);
  }

  @Test
  void noneFoundNamesBothArtifacts() {
    ConfigurationException e = assertThrows(
        ConfigurationException.class,
        () -> TransportDiscovery.select(null, NO_ENV, new Properties(), List.of()));
    assertTrue(e.getMessage().contains("ai.backend:adapter-apache"), e.getMessage());
    assertTrue(e.getMessage().contains("ai.backend:adapter-jdkhttp"), e.getMessage());
  }

  @Test
  void noProviderOnThisModulesClassPath() {
    assertEquals(List.of(), TransportDiscovery.providers());
  }

  private record Named(String name, String alias, String artifact, int priority)
      implements TransportProvider {
    @Override
    public List<String> aliases() {
      return List.of(alias);
    }

    @Override
    public HttpTransport createTransport(TransportConfig config) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Hmac hmac() {
      throw new UnsupportedOperationException();
    }
  }
}
