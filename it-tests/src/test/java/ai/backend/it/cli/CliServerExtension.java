package ai.backend.it.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.LocalServer;
import ai.backend.local.api.LocalServerExtension;
import ai.backend.local.sessions.Session;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The CLI tests' fixture: an in-process local server with a known keypair ({@link LocalServerExtension}:
 * free port, closed after the class, no process left running), a {@link Launcher} parameter pointed at
 * it, and after each test the sessions a test left terminated.
 *
 * <p>{@code @RegisterExtension static final CliServerExtension server = new CliServerExtension();}
 */
final class CliServerExtension implements BeforeAllCallback, AfterEachCallback, ParameterResolver {
  static final String ACCESS_KEY = "AKIACLITESTKEY000001";
  static final String SECRET_KEY = "cli-test-secret-key-0123456789abcdefghijk";

  private final LocalServerExtension server =
      new LocalServerExtension(b -> b.accessKey(ACCESS_KEY).secretKey(SECRET_KEY));

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server.beforeAll(context);
  }

  URI uri() {
    return server.server().uri();
  }

  /** The server's state directory (folders, storage-proxy uploads). */
  java.nio.file.Path stateDir() {
    return server.stateDir();
  }

  /**
   * The environment pointing the CLI at this server. The embedded default's state dir is one of the
   * class's own, never the user's, should a command fall back to it.
   */
  Launcher launcher() {
    return new Launcher()
        .env("BACKEND_ENDPOINT", uri().toString())
        .env("BACKEND_ACCESS_KEY", ACCESS_KEY)
        .env("BACKEND_SECRET_KEY", SECRET_KEY)
        .env(
            "BACKEND_LOCAL_STATE_DIR", server.stateDir().resolve("unused-local").toString());
  }

  /**
   * After the test's own {@code @AfterEach} methods (which stop what it started): no launcher is left
   * running under this JVM, and the sessions the test left are terminated.
   */
  @Override
  public void afterEach(ExtensionContext context) {
    LocalServer s = server.server();
    try {
      List<String> left = ProcessHandle.current()
          .descendants()
          .filter(
              h -> h.isAlive() && h.info().commandLine().orElse("").contains("backend.ai-cli.jar"))
          .map(h -> h.pid() + " " + h.info().commandLine().orElse(""))
          .toList();
      assertTrue(left.isEmpty(), "CLI processes left behind: " + left);
    } finally {
      for (Session session : s.sessions().list(ACCESS_KEY)) {
        s.sessions().destroy(session, "test cleanup");
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Launcher.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return launcher();
  }
}
