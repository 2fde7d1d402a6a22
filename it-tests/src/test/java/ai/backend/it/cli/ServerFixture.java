package ai.backend.it.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Path;

/**
 * An in-process {@code ai.backend.local.LocalServer} on a free port with a known keypair, bound by
 * reflection so this suite compiles before the embedding API exists (tests are skipped until then).
 */
final class ServerFixture implements AutoCloseable {
  static final String ACCESS_KEY = "AKIACLITESTKEY000001";
  static final String SECRET_KEY = "cli-test-secret-key-0123456789abcdefghijk";

  private final Object server;
  final URI uri;

  private ServerFixture(Object server) throws Exception {
    this.server = server;
    this.uri = URI.create(call(server, "uri").toString());
  }

  static ServerFixture start(Path stateDir) throws Exception {
    Class<?> cls;
    try {
      cls = Class.forName("ai.backend.local.LocalServer");
    } catch (ClassNotFoundException e) {
      assumeTrue(false, "ai.backend.local.LocalServer is not available yet");
      throw e;
    }
    Object b = cls.getMethod("builder").invoke(null);
    invoke(b, "port", int.class, 0);
    invoke(b, "accessKey", String.class, ACCESS_KEY);
    invoke(b, "secretKey", String.class, SECRET_KEY);
    try {
      invoke(b, "stateDir", Path.class, stateDir);
    } catch (NoSuchMethodException e) {
      // optional
    }
    Method start = b.getClass().getMethod("start");
    start.setAccessible(true);
    return new ServerFixture(start.invoke(b));
  }

  /** The environment pointing the CLI at this server. */
  Launcher launcher() {
    return new Launcher().env("BACKEND_ENDPOINT", uri.toString()).env("BACKEND_ACCESS_KEY", ACCESS_KEY)
        .env("BACKEND_SECRET_KEY", SECRET_KEY);
  }

  private static void invoke(Object target, String name, Class<?> type, Object arg) throws Exception {
    Method m;
    try {
      m = target.getClass().getMethod(name, type);
    } catch (NoSuchMethodException e) {
      if (type == String.class) {
        m = target.getClass().getMethod(name, char[].class);
        arg = arg.toString().toCharArray();
      } else {
        throw e;
      }
    }
    m.setAccessible(true);
    m.invoke(target, arg);
  }

  private static Object call(Object target, String name) throws Exception {
    Method m = target.getClass().getMethod(name);
    m.setAccessible(true);
    return m.invoke(target);
  }

  @Override
  public void close() throws Exception {
    call(server, "close");
  }
}
