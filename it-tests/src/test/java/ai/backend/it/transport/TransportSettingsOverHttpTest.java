package ai.backend.it.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.Config;
import ai.backend.client.Session;
import ai.backend.local.api.LocalServerExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code Session.Builder.executor(...)} and {@code .maxConnections(...)} over real HTTP against
 * local-server, for each adapter: the embedder's executor is the one the transport runs its work on,
 * and the connection cap holds the number of connections a burst of calls opens, counted by a loopback
 * proxy in front of the server (which also holds each answer back, so that the calls overlap).
 */
class TransportSettingsOverHttpTest {
  @RegisterExtension
  static final LocalServerExtension LOCAL = new LocalServerExtension();

  private static final int BURST = 6;

  static Stream<String> adapters() {
    return Stream.of("jdk-http", "apache-httpclient5");
  }

  private static Config config(URI endpoint) {
    return Config.builder()
        .endpoint(endpoint)
        .accessKey(LOCAL.server().accessKey())
        .secretKey(LOCAL.server().secretKey())
        .maxRetries(0)
        .build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void theEmbeddersExecutorRunsTheTransportsWork(String adapter) throws Exception {
    AtomicInteger tasks = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "embedder-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Executor counting = task -> {
      tasks.incrementAndGet();
      pool.execute(() -> {
        threads.add(Thread.currentThread().getName());
        task.run();
      });
    };
    try (Session s = Session.builder()
        .config(config(LOCAL.server().uri()))
        .transportName(adapter)
        .executor(counting)
        .build()) {
      assertEquals(adapter, s.transportName());
      for (int i = 0; i < 3; i++) {
        s.async().admin().keypair().get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertTrue(tasks.get() > 0, adapter + " ran nothing on the given executor");
    assertTrue(threads.stream().anyMatch(t -> t.startsWith("embedder-")), threads.toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void maxConnectionsCapsTheConnectionsOfABurst(String adapter) throws Exception {
    try (CountingProxy proxy = new CountingProxy(LOCAL.server().uri().getPort())) {
      int capped = burst(adapter, proxy, 2);
      assertTrue(
          capped >= 1 && capped <= 2, "connections open at once with maxConnections(2): " + capped);
    }
    try (CountingProxy proxy = new CountingProxy(LOCAL.server().uri().getPort())) {
      // the same burst without a tight cap: the proxy does see the calls overlap
      int uncapped = burst(adapter, proxy, 64);
      assertTrue(uncapped > 2, "connections open at once with maxConnections(64): " + uncapped);
    }
  }

  /**
   * Sends {@link #BURST} async calls at once; the most connections the proxy saw open together beyond
   * those open before (apache-httpclient5's blocking client has a pool of its own).
   */
  private static int burst(String adapter, CountingProxy proxy, int maxConnections)
      throws Exception {
    try (Session s = Session.builder()
        .config(config(proxy.uri()))
        .transportName(adapter)
        .maxConnections(maxConnections)
        .build()) {
      // the version probe first, on its own: its connection stays open (idle) and is not the
      // burst's
      s.admin().keypair();
      int before = proxy.open.get();
      proxy.maxOpen.set(before);
      List<CompletableFuture<?>> calls = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        calls.add(s.async().admin().keypair());
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      return proxy.maxOpen.get() - before;
    }
  }

  /**
   * A TCP relay on a free loopback port that counts the client connections open at once and holds
   * each chunk of the server's answers back a little.
   */
  static final class CountingProxy implements AutoCloseable {
    private static final Duration HOLD = Duration.ofMillis(300);
    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger maxOpen = new AtomicInteger();
    private final ServerSocket listener;
    private final int target;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "counting-proxy");
      t.setDaemon(true);
      return t;
    });
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    CountingProxy(int target) throws IOException {
      this.target = target;
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      threads.execute(this::accept);
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    private void accept() {
      while (!listener.isClosed()) {
        Socket client;
        try {
          client = listener.accept();
        } catch (IOException e) {
          return; // closed
        }
        int now = open.incrementAndGet();
        maxOpen.accumulateAndGet(now, Math::max);
        threads.execute(() -> relay(client));
      }
    }

    private void relay(Socket client) {
      try (client;
          Socket server = new Socket(InetAddress.getLoopbackAddress(), target)) {
        sockets.add(client);
        sockets.add(server);
        CompletableFuture<Void> up =
            CompletableFuture.runAsync(() -> pump(client, server, Duration.ZERO), threads);
        pump(server, client, HOLD);
        up.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        // a connection the client or the server dropped: nothing to relay any more
      } finally {
        open.decrementAndGet();
      }
    }

    private static void pump(Socket from, Socket to, Duration hold) {
      byte[] buf = new byte[16384];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        for (int r; (r = in.read(buf)) >= 0; ) {
          if (!hold.isZero()) {
            Thread.sleep(hold.toMillis());
          }
          out.write(buf, 0, r);
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException e) {
        // one side closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) {
        s.close();
      }
      threads.shutdownNow();
    }
  }
}
