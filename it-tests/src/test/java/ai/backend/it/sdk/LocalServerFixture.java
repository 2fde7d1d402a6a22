package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Method;
import java.net.URI;

/**
 * Starts an in-process {@code ai.backend.local.LocalServer} on a free port. Bound by reflection so this
 * suite compiles while the server's embedding API is still being written; once it exists every test runs
 * for real (until then they are reported as skipped, with this reason).
 */
final class LocalServerFixture implements AutoCloseable {
  private final Object server;
  final URI uri;
  final String accessKey;
  final String secretKey;

  private LocalServerFixture(Object server) throws Exception {
    this.server = server;
    this.uri = URI.create(call(server, "uri").toString());
    this.accessKey = call(server, "accessKey").toString();
    Object sk = call(server, "secretKey");
    this.secretKey = sk instanceof char[] c ? new String(c) : sk.toString();
  }

  static LocalServerFixture start() throws Exception {
    Class<?> cls;
    try {
      cls = Class.forName("ai.backend.local.LocalServer");
    } catch (ClassNotFoundException e) {
      assumeTrue(false, "ai.backend.local.LocalServer is not available yet");
      throw e;
    }
    Object b = cls.getMethod("builder").invoke(null);
    Method port = b.getClass().getMethod("port", int.class);
    port.setAccessible(true);
    port.invoke(b, 0);
    Method start = b.getClass().getMethod("start");
    start.setAccessible(true);
    return new LocalServerFixture(start.invoke(b));
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
