package ai.backend.it.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Boots the library modules as real named modules (their module-info, on a module layer of their own
 * beside this class-path test) and checks what the JVM then enforces: the SDK's {@code internal}
 * packages are exported to the CLI only, both adapters are found through {@code provides}, and the
 * modular SDK talks to a real local server through each of them.
 */
class ModuleBoundaryTest {
  private static final String DOMAIN = "ai.backend.client";
  private static final String PORT = "ai.backend.client.port";
  private static final String JDK = "ai.backend.client.transport.jdk";
  private static final String APACHE = "ai.backend.client.transport.apache";
  private static final String CLI = "ai.backend.client.cli";

  private static ModuleLayer layer;
  private static LocalServer server;

  @BeforeAll
  static void bootLayer() throws Exception {
    // the library modules (target/classes, or their jars in `verify`) and their libraries, found
    // where
    // this class path has them; the CLI and the test code stay outside
    ModuleFinder finder = ModuleFinder.of(Stream.of(
            "ai.backend.client.port.TransportProvider",
            "ai.backend.client.Session",
            "ai.backend.client.transport.jdk.JdkTransportProvider",
            "ai.backend.client.transport.apache.ApacheTransportProvider",
            "com.google.gson.Gson",
            "org.apache.hc.client5.http.classic.HttpClient",
            "org.apache.hc.core5.http.HttpHost",
            "org.apache.hc.core5.http2.HttpVersionPolicy",
            "org.slf4j.Logger",
            "org.bouncycastle.crypto.Digest")
        .map(ModuleBoundaryTest::location)
        .distinct()
        .toArray(Path[]::new));
    // only the SDK is asked for: the adapters must come in through `uses`/`provides` binding
    Configuration cf = ModuleLayer.boot()
        .configuration()
        .resolveAndBind(finder, ModuleFinder.of(), Set.of(DOMAIN));
    layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    server = LocalServer.builder().port(0).start();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void internalPackagesAreExportedToTheCliOnly() {
    Module domain = module(DOMAIN);
    ModuleDescriptor d = domain.getDescriptor();
    assertFalse(d.isAutomatic(), "client-domain must be a named module with its own module-info");
    Set<String> open = d.exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(
        Set.of("ai.backend.client", "ai.backend.client.errors"),
        open,
        "packages exported to everybody");
    Set<String> internal = d.packages().stream()
        .filter(p -> p.startsWith("ai.backend.client.internal"))
        .collect(Collectors.toCollection(TreeSet::new));
    assertFalse(internal.isEmpty());
    for (String p : internal) {
      assertFalse(domain.isExported(p), p + " exported to everybody");
      assertFalse(
          domain.isExported(p, ModuleBoundaryTest.class.getModule()),
          p + " exported to the class path");
      assertFalse(domain.isExported(p, module(APACHE)), p + " exported to an adapter");
      assertFalse(
          domain.isOpen(p, ModuleBoundaryTest.class.getModule()), p + " open to the class path");
      Set<String> targets = d.exports().stream()
          .filter(e -> e.source().equals(p))
          .findFirst()
          .map(ModuleDescriptor.Exports::targets)
          .orElse(Set.of());
      assertEquals(Set.of(CLI), targets, p + " is exported to the CLI and nobody else");
    }
    // the port's helpers for the adapters are theirs alone
    Module port = module(PORT);
    assertTrue(port.isExported("ai.backend.client.port"));
    assertFalse(port.isExported("ai.backend.client.port.tls"));
    assertFalse(port.isExported("ai.backend.client.port.websocket"));
    assertTrue(port.isExported("ai.backend.client.port.websocket", module(JDK)));
  }

  @Test
  void codeOutsideTheCliCannotCallInternals() throws Exception {
    ClassLoader loader = layer.findLoader(DOMAIN);
    Class<?> apiVersion = loader.loadClass("ai.backend.client.ApiVersion");
    Object v9 = apiVersion.getField("V9_20250722").get(null); // public API: allowed
    Method dialectOf =
        loader.loadClass("ai.backend.client.internal.Dialect").getMethod("of", apiVersion);
    assertThrows(IllegalAccessException.class, () -> dialectOf.invoke(null, v9));
  }

  @Test
  void bothAdaptersAreFoundThroughProvides() throws Exception {
    assertTrue(layer.findModule(JDK).isPresent(), "adapter-jdkhttp bound as a provider");
    assertTrue(layer.findModule(APACHE).isPresent(), "adapter-apache bound as a provider");
    for (String adapter : List.of(JDK, APACHE)) {
      assertEquals(
          1,
          module(adapter).getDescriptor().provides().size(),
          adapter + " provides a TransportProvider");
    }
    Set<String> found = providers().stream()
        .map(p -> p.getClass().getModule().getName())
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(Set.of(JDK, APACHE)), found);
  }

  @Test
  void theModularSdkTalksToARealServerThroughEachAdapter() throws Exception {
    ClassLoader loader = layer.findLoader(DOMAIN);
    Class<?> configClass = loader.loadClass("ai.backend.client.Config");
    Class<?> sessionClass = loader.loadClass("ai.backend.client.Session");
    Class<?> providerType =
        layer.findLoader(PORT).loadClass("ai.backend.client.port.TransportProvider");
    for (Object provider : providers()) {
      Object cb = configClass.getMethod("builder").invoke(null);
      cb.getClass().getMethod("endpoint", String.class).invoke(cb, server.uri().toString());
      cb.getClass().getMethod("accessKey", String.class).invoke(cb, server.accessKey());
      cb.getClass().getMethod("secretKey", String.class).invoke(cb, server.secretKey());
      Object config = cb.getClass().getMethod("build").invoke(cb);
      Object sb = sessionClass.getMethod("builder").invoke(null);
      sb.getClass().getMethod("config", configClass).invoke(sb, config);
      sb.getClass().getMethod("transportProvider", providerType).invoke(sb, provider);
      // negotiation is a real GET / over the adapter, its answer parsed by the modular SDK (Gson)
      try (AutoCloseable session =
          (AutoCloseable) sb.getClass().getMethod("build").invoke(sb)) {
        Object info = sessionClass.getMethod("serverInfo").invoke(session);
        Object serverVersion = info.getClass().getMethod("serverVersion").invoke(info);
        assertTrue(serverVersion != null, provider + ": the server's version was read");
      }
    }
  }

  private static List<Object> providers() throws ClassNotFoundException {
    Class<?> type = layer.findLoader(PORT).loadClass("ai.backend.client.port.TransportProvider");
    return ServiceLoader.load(layer, type).stream()
        .map(ServiceLoader.Provider::get)
        .map(Object.class::cast)
        .collect(Collectors.toList());
  }

  private static Module module(String name) {
    return layer
        .findModule(name)
        .orElseThrow(() -> new AssertionError("module " + name + " not in the layer"));
  }

  private static Path location(String className) {
    try {
      return Path.of(Class.forName(className)
          .getProtectionDomain()
          .getCodeSource()
          .getLocation()
          .toURI());
    } catch (ClassNotFoundException | URISyntaxException e) {
      throw new IllegalStateException(className + " not on the test class path", e);
    }
  }
}
