package ai.backend.local.api;

import ai.backend.local.LocalServer;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One in-process {@link LocalServer} per test class, on a free port with a state dir of its own, closed
 * after the class; the one such extension of the build (local-server's tests, and it-tests through
 * local-server's test jar). Closing it checks that no process started during the class (CLI processes,
 * session processes) outlives it: one that does is killed and fails the class.
 *
 * <p>Either {@code @ExtendWith(LocalServerExtension.class)} and a {@link LocalServer} parameter (of a
 * test, a constructor, a {@code @BeforeAll} or {@code @BeforeEach} method), or, with settings of one's
 * own, {@code @RegisterExtension static final LocalServerExtension local = new
 * LocalServerExtension(b -> b.restFlushTimeout(…))} and {@link #server()}. A server that cannot start
 * fails the class: nothing here skips.
 */
public final class LocalServerExtension implements BeforeAllCallback, ParameterResolver {
  /** How long processes may take to exit once the server is closed. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

  private final UnaryOperator<LocalServer.Builder> settings;
  private volatile Running running;

  /** The default server: random keypair ({@code @ExtendWith} uses this). */
  public LocalServerExtension() {
    this(b -> b);
  }

  /** A server with {@code settings} applied to a builder set to a free port and a fresh state dir. */
  public LocalServerExtension(UnaryOperator<LocalServer.Builder> settings) {
    this.settings = settings;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    Namespace ns = Namespace.create(LocalServerExtension.class, this);
    Running r = context.getStore(ns).get(Running.class, Running.class);
    if (r == null) {
      r = Running.start(settings);
      // the store closes it after the class, also when the class fails
      context.getStore(ns).put(Running.class, r);
    }
    running = r;
  }

  /** The running server of the current test class. */
  public LocalServer server() {
    return current().server;
  }

  /** A raw HTTP client signing with the server's keypair. */
  public TestClient client() {
    return current().client;
  }

  /** The server's state dir, deleted with it; a place for the class's other state too. */
  public Path stateDir() {
    return current().stateDir;
  }

  private Running current() {
    Running r = running;
    if (r == null || r.closed) {
      throw new IllegalStateException(
          "no local server: use this extension as a static @RegisterExtension field");
    }
    return r;
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == LocalServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return server();
  }

  /** A started server with what it needs to clean up. */
  private static final class Running implements AutoCloseable {
    final LocalServer server;
    final TestClient client;
    final Path stateDir;
    final Set<Long> processesBefore;
    volatile boolean closed;

    private Running(LocalServer server, Path stateDir, Set<Long> processesBefore) {
      this.server = server;
      this.client = TestClient.of(server);
      this.stateDir = stateDir;
      this.processesBefore = processesBefore;
    }

    static Running start(UnaryOperator<LocalServer.Builder> settings) throws IOException {
      Set<Long> before = descendants();
      Path dir = Files.createTempDirectory("backendai-test-server");
      try {
        LocalServer s =
            settings.apply(LocalServer.builder().port(0).stateDir(dir)).start();
        return new Running(s, dir, before);
      } catch (RuntimeException e) {
        deleteTree(dir);
        throw e;
      }
    }

    @Override
    public void close() {
      closed = true;
      try {
        server.close();
      } finally {
        deleteTree(stateDir);
      }
      List<ProcessHandle> left = leftOver();
      long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
      while (!left.isEmpty() && System.nanoTime() < deadline) {
        sleep();
        left = leftOver();
      }
      if (!left.isEmpty()) {
        String described = left.stream()
            .map(p -> p.pid() + " " + p.info().commandLine().orElse("?"))
            .collect(Collectors.joining("; "));
        left.forEach(ProcessHandle::destroyForcibly);
        throw new AssertionError(
            "processes left running after the test class (killed now): " + described);
      }
    }

    private List<ProcessHandle> leftOver() {
      return ProcessHandle.current()
          .descendants()
          .filter(p -> p.isAlive() && !processesBefore.contains(p.pid()))
          .toList();
    }

    private static Set<Long> descendants() {
      return ProcessHandle.current()
          .descendants()
          .map(ProcessHandle::pid)
          .collect(Collectors.toSet());
    }

    private static void sleep() {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    private static void deleteTree(Path dir) {
      if (!Files.exists(dir)) {
        return;
      }
      try {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
      } catch (IOException e) {
        // a temporary directory: what cannot be deleted now is the OS's to clean up
      }
    }
  }
}
