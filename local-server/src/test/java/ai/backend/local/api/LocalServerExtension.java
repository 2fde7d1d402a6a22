package ai.backend.local.api;

import ai.backend.local.LocalServer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link LocalServer} on a free port for one test class, with a {@link TestClient} signing for its
 * key: started before the class's {@code @BeforeAll} methods, closed after its last test. Register it
 * as a static {@code @RegisterExtension} field.
 */
public final class LocalServerExtension implements BeforeAllCallback, AfterAllCallback {
  private final UnaryOperator<LocalServer.Builder> options;
  private LocalServer server;
  private TestClient client;

  /** A server with the builder's defaults. */
  public LocalServerExtension() {
    this(b -> b);
  }

  /** A server with {@code options} applied to a builder already set to a free port. */
  public LocalServerExtension(UnaryOperator<LocalServer.Builder> options) {
    this.options = options;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = options.apply(LocalServer.builder().port(0)).start();
    client = TestClient.of(server);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
  }

  public LocalServer server() {
    return server;
  }

  public TestClient client() {
    return client;
  }
}
