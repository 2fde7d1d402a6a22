package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.backend.client.ApiVersion;
import ai.backend.client.Config;
import ai.backend.client.Session;
import ai.backend.client.internal.TransportDiscovery;
import ai.backend.client.port.TransportConfig;
import ai.backend.client.port.TransportProvider;
import ai.backend.local.LocalServer;
import ai.backend.local.api.LocalServerExtension;
import ai.backend.transport.tck.TrackingTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.provider.Arguments;

/**
 * One local-server per test class; per test, sessions opened through {@link #open} on a tracking
 * transport. After each test: every response closed, and no client thread left once closed.
 */
abstract class SdkFixture {
  enum Mode {
    SYNC,
    ASYNC
  }

  /** The two wire dialects: v4 (/kernel, pinned) and the newest (/session). */
  static final ApiVersion V4 = ApiVersion.V4_20181215;

  static final ApiVersion V9 = ApiVersion.V9_20250722;

  @RegisterExtension
  static final LocalServerExtension server = new LocalServerExtension();

  private final List<Opened> opened = new ArrayList<>();
  private Set<String> threadsBefore;

  record Opened(Session session, TrackingTransport transport, Ops ops, ApiVersion version)
      implements AutoCloseable {
    @Override
    public void close() {
      session.close();
      transport.close();
    }
  }

  static Stream<Arguments> matrix() {
    List<Arguments> out = new ArrayList<>();
    for (String adapter : List.of("apache", "jdk")) {
      for (Mode m : Mode.values()) {
        for (ApiVersion v : List.of(V4, V9)) {
          out.add(Arguments.of(adapter, m, v));
        }
      }
    }
    return out.stream();
  }

  Config.Builder config(ApiVersion v) {
    LocalServer s = server.server();
    return Config.builder()
        .endpoint(s.uri())
        .accessKey(s.accessKey())
        .secretKey(s.secretKey())
        .apiVersion(v)
        .maxRetries(0);
  }

  Opened open(String adapter, Mode mode, ApiVersion v) {
    return open(adapter, mode, config(v).build());
  }

  Opened open(String adapter, Mode mode, Config config) {
    if (threadsBefore == null) {
      threadsBefore = threadNames();
    }
    TransportProvider p = TransportDiscovery.select(adapter);
    TrackingTransport t = new TrackingTransport(p.createTransport(
        TransportConfig.builder().connectTimeout(Duration.ofSeconds(5)).build()));
    Session s;
    try {
      s = Session.builder().config(config).transport(t).hmac(p.hmac()).build();
    } catch (RuntimeException e) {
      t.close();
      throw e;
    }
    Opened o =
        new Opened(s, t, mode == Mode.SYNC ? Ops.sync(s) : Ops.async(s.async()), s.apiVersion());
    opened.add(o);
    return o;
  }

  @AfterEach
  void noLeaks() throws InterruptedException {
    int unclosed = 0;
    for (Opened o : opened) {
      unclosed += o.transport().openResponses().size();
      o.close();
    }
    opened.clear();
    assertEquals(0, unclosed, "responses left open");
    if (threadsBefore == null) {
      return;
    }
    Set<String> stray = Set.of();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      stray = new HashSet<>(threadNames());
      stray.removeAll(threadsBefore);
      stray.removeIf(SdkFixture::notClientThread);
      if (stray.isEmpty()) {
        break;
      }
      // Java 17's HttpClient cannot be closed: its selector thread ends only once the client is
      // unreachable, so give the collector a chance (the transport TCK does the same).
      System.gc();
      Thread.sleep(50);
    }
    threadsBefore = null;
    if (!stray.isEmpty()) {
      fail("threads left after close: " + stray);
    }
  }

  /**
   * Only threads the client side creates count: the SDK and adapters name theirs {@code backendai-*},
   * the JDK HttpClient {@code HttpClient-*}. The in-process server's threads are not the client's business.
   */
  private static boolean notClientThread(String name) {
    return !(name.startsWith("backendai-") || name.startsWith("HttpClient-"));
  }

  private static Set<String> threadNames() {
    Set<String> s = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive()) {
        s.add(t.getName());
      }
    }
    return s;
  }
}
