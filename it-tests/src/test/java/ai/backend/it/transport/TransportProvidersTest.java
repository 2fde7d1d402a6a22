package ai.backend.it.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.port.TransportProvider;
import ai.backend.client.port.TransportProviders;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Provider discovery with both adapters on the class path. */
class TransportProvidersTest {
  private static final Function<String, String> NO_ENV = k -> null;

  private static String pick(String arg, Function<String, String> env, Properties props) {
    return TransportProviders.select(arg, env, props, TransportProviders.available()).name();
  }

  @Test
  void bothFoundApacheFirst() {
    assertEquals(List.of("apache", "jdk"), TransportProviders.available().stream().map(TransportProvider::name).toList());
    assertEquals("apache", pick(null, NO_ENV, new Properties()));
  }

  @Test
  void argumentThenPropertyThenEnvironment() {
    Properties props = new Properties();
    Function<String, String> env = Map.of("BACKEND_TRANSPORT", "jdk")::get;
    assertEquals("jdk", pick(null, env, props), "environment");
    props.setProperty("backendai.transport", "apache");
    assertEquals("apache", pick(null, env, props), "property beats environment");
    props.setProperty("backendai.transport", "JDK");
    assertEquals("jdk", pick(null, NO_ENV, props), "case-insensitive");
    assertEquals("apache", pick("apache", env, props), "argument beats both");
    assertEquals("jdk", pick("jdk", NO_ENV, new Properties()));
  }

  @Test
  void unknownNameListsEveryProvider() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pick("netty", NO_ENV, new Properties()));
    assertTrue(e.getMessage().contains("netty"), e.getMessage());
    assertTrue(e.getMessage().contains("apache (ai.backend:adapter-apache, priority 200)"), e.getMessage());
    assertTrue(e.getMessage().contains("jdk (ai.backend:adapter-jdkhttp, priority 100)"), e.getMessage());
  }

  @Test
  void noneFoundNamesBothArtifacts() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TransportProviders.select(null, NO_ENV, new Properties(), List.of()));
    assertTrue(e.getMessage().contains("ai.backend:adapter-apache"), e.getMessage());
    assertTrue(e.getMessage().contains("ai.backend:adapter-jdkhttp"), e.getMessage());
  }

  @Test
  void realSystemPropertyIsHonoured() {
    String old = System.getProperty(TransportProviders.PROPERTY);
    try {
      System.setProperty(TransportProviders.PROPERTY, "jdk");
      assertEquals("jdk", TransportProviders.select(null).name());
      assertEquals("apache", TransportProviders.select("apache").name());
    } finally {
      if (old == null) {
        System.clearProperty(TransportProviders.PROPERTY);
      } else {
        System.setProperty(TransportProviders.PROPERTY, old);
      }
    }
  }
}
