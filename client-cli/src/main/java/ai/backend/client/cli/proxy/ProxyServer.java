package ai.backend.client.cli.proxy;

import ai.backend.client.cli.CliException;
import ai.backend.client.cli.ExitCode;
import ai.backend.client.cli.LocalServerManager;
import ai.backend.client.cli.Term;
import ai.backend.client.internal.RawCalls;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The insecure local API proxy of {@code backend.ai proxy} (spec §11), served by Jetty. The CLI jar
 * leaves Jetty out (every other command would pay for its entries at start-up, see
 * docs/benchmarks.md), so unless Jetty is on the class path the server class is loaded by a child
 * loader over the local server's jar, which ships Jetty.
 */
public interface ProxyServer extends AutoCloseable {
  /** The Jetty-facing implementation; loaded by name so that this interface never links Jetty. */
  String IMPLEMENTATION = "ai.backend.client.cli.proxy.jetty.JettyProxy";

  /** The port it listens on (the real one when 0 was asked for). */
  int port();

  /** Blocks until {@link #close()}. */
  void serve() throws InterruptedException;

  @Override
  void close();

  /**
   * Binds and starts the proxy.
   *
   * @param allowedOrigins web origins ({@code scheme://host[:port]}) whose pages may call the proxy
   *     (CORS); a request from any other web page is refused
   */
  static ProxyServer start(
      RawCalls raw, String bind, int port, Set<String> allowedOrigins, Term term) {
    try {
      return (ProxyServer) implementation()
          .getConstructor(RawCalls.class, String.class, int.class, Set.class, Term.class)
          .newInstance(raw, bind, port, allowedOrigins, term);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CliException(
          ExitCode.UNAVAILABLE, "cannot start the proxy: " + e.getCause().getMessage());
    } catch (ReflectiveOperationException e) {
      throw new CliException(ExitCode.CONFIG, "cannot load the proxy: " + e);
    }
  }

  private static Class<?> implementation() throws ClassNotFoundException {
    ClassLoader own = ProxyServer.class.getClassLoader();
    if (own.getResource("org/eclipse/jetty/server/Server.class") != null) {
      return Class.forName(IMPLEMENTATION, true, own);
    }
    try {
      Path cliJar = Path.of(
          ProxyServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path serverJar = cliJar.resolveSibling(LocalServerManager.SERVER_JAR);
      if (!Files.isRegularFile(serverJar)) {
        throw new CliException(
            ExitCode.CONFIG,
            "the proxy needs Jetty from " + serverJar + ", which is missing"
                + " (rebuild with BACKEND_CLI_REBUILD=1)");
      }
      URL[] urls = {cliJar.toUri().toURL(), serverJar.toUri().toURL()};
      // lives as long as the proxy, that is the process
      @SuppressWarnings("resource")
      ClassLoader loader = new JettyLoader(urls, own);
      return Class.forName(IMPLEMENTATION, true, loader);
    } catch (java.net.URISyntaxException | MalformedURLException e) {
      throw new CliException(ExitCode.CONFIG, "cannot locate the CLI jar: " + e.getMessage());
    }
  }

  /**
   * Loads the Jetty-facing package itself (its classes link Jetty, which only this loader sees) and
   * leaves everything else to the CLI's loader, so that both share the SDK's and the CLI's types.
   */
  final class JettyLoader extends URLClassLoader {
    private static final String OWN = "ai.backend.client.cli.proxy.jetty.";

    JettyLoader(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(OWN)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
