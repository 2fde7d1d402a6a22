package ai.backend.it.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.backend.client.ApiVersion;
import ai.backend.client.AsyncKernel;
import ai.backend.client.Config;
import ai.backend.client.Kernel;
import ai.backend.client.RetryPolicy;
import ai.backend.client.Session;
import ai.backend.client.errors.BackendException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Per test: a fresh {@link FaultServer} and a session over one adapter, used through the blocking
 * or the future-returning API. After each test the session is closed and the fixture checks that
 * nothing of the client is left: no TCP connection to the server still open on the client side
 * (read from {@code /proc/net/tcp*}), no client thread alive, and no temporary file of the SDK
 * (it writes them only beside a download's target, as {@code .<name>.partial-*}) in the JVM's
 * temporary directory.
 */
abstract class FaultFixture {
  enum Mode {
    SYNC,
    ASYNC
  }

  /** How long a call may take before the test calls it a hang. */
  static final Duration HANG = Duration.ofSeconds(20);

  /** Tiny but real backoff, so retries are visible and the suite stays fast. */
  static final RetryPolicy FAST_RETRIES =
      new RetryPolicy(2, Duration.ofMillis(20), Duration.ofMillis(80), Duration.ofSeconds(3));

  static final String KERNEL = "fault-session";

  FaultServer server;
  private Session session;
  private String adapter;
  private Mode mode;
  private Set<String> threadsBefore;
  private Set<String> tmpBefore;
  private ExecutorService caller;

  static Stream<Arguments> matrix() {
    return matrix("jdk", "apache");
  }

  static Stream<Arguments> jdk() {
    return matrix("jdk");
  }

  static Stream<Arguments> apache() {
    return matrix("apache");
  }

  private static Stream<Arguments> matrix(String... adapters) {
    List<Arguments> out = new ArrayList<>();
    for (String adapter : adapters) {
      for (Mode m : Mode.values()) {
        out.add(Arguments.of(adapter, m));
      }
    }
    return out.stream();
  }

  @BeforeEach
  void startServer() throws IOException {
    threadsBefore = threadNames();
    tmpBefore = sdkTempFiles();
    server = new FaultServer();
  }

  /** Settings every test starts from: no negotiation probe, the newest dialect, short timeouts. */
  Config.Builder config() {
    return Config.builder()
        .endpoint(server.endpoint())
        .accessKey("AKIAFAULTSUITE00000")
        .secretKey("fault-secret")
        .apiVersion(ApiVersion.V9_20250722)
        .negotiate(false)
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(5))
        .retryPolicy(FAST_RETRIES);
  }

  /** Opens the session (owning its transport, built from the config's timeouts) over {@code adapter}. */
  void open(String adapter, Mode mode, Config config) {
    this.adapter = adapter;
    this.mode = mode;
    session = Session.builder().config(config).transportName(adapter).build();
    caller = Executors.newSingleThreadExecutor(r -> new Thread(r, "fault-caller"));
  }

  /** Opening a session with {@code config} over {@code adapter} must fail with exactly {@code type}. */
  <E extends BackendException> E openFails(Class<E> type, String adapter, Config config) {
    this.adapter = adapter;
    this.mode = Mode.SYNC;
    Session s;
    try {
      s = Session.builder().config(config).transportName(adapter).build();
    } catch (BackendException e) {
      if (e.getClass() != type) {
        throw new AssertionError(
            adapter + ": expected " + type.getSimpleName() + " but got " + e, e);
      }
      assertTyped(e);
      return type.cast(e);
    }
    s.close();
    throw new AssertionError(
        adapter + ": expected " + type.getSimpleName() + " but the session opened");
  }

  void open(String adapter, Mode mode) {
    open(adapter, mode, config().build());
  }

  /**
   * Runs one kernel operation through the API under test. A blocking call runs on a helper thread so
   * that a hang fails the test instead of stalling the build.
   */
  <T> T call(Function<Kernel, T> sync, Function<AsyncKernel, CompletableFuture<T>> async)
      throws Exception {
    return await(start(sync, async));
  }

  /** Starts {@link #call} without waiting; finish with {@link #await}. */
  <T> Future<T> start(Function<Kernel, T> sync, Function<AsyncKernel, CompletableFuture<T>> async) {
    return mode == Mode.SYNC
        ? caller.submit(() -> sync.apply(Kernel.of(session, KERNEL)))
        : async.apply(AsyncKernel.of(session.async(), KERNEL));
  }

  <T> T await(Future<T> f) throws Exception {
    try {
      return f.get(HANG.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      if (c instanceof Exception ex) {
        throw ex;
      }
      throw e;
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new AssertionError(adapter + "/" + mode + ": the call did not end within " + HANG, e);
    }
  }

  /** {@link #call} that must fail with exactly {@code type} (a {@link BackendException}). */
  <E extends BackendException> E fails(
      Class<E> type, Function<Kernel, ?> sync, Function<AsyncKernel, CompletableFuture<?>> async) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    Future<?> f = start((Function) sync, (Function) async);
    return failsWith(type, f);
  }

  /** Awaits {@code f}, which must fail with exactly {@code type}. */
  <E extends BackendException> E failsWith(Class<E> type, Future<?> f) {
    Object result;
    try {
      result = await(f);
    } catch (Exception e) {
      if (e.getClass() != type) {
        AssertionError ae = new AssertionError(
            adapter + "/" + mode + ": expected " + type.getSimpleName() + " but got " + e);
        ae.initCause(e);
        throw ae;
      }
      E typed = type.cast(e);
      assertTyped(typed);
      return typed;
    }
    throw new AssertionError(
        adapter + "/" + mode + ": expected " + type.getSimpleName() + " but got " + result);
  }

  @AfterEach
  void closeAndCheckLeaks(TestInfo test) throws Exception {
    List<String> problems = new ArrayList<>();
    boolean jdk = "jdk".equals(adapter);
    try {
      if (caller != null) {
        caller.shutdownNow();
        if (!caller.awaitTermination(5, TimeUnit.SECONDS)) {
          problems.add("the blocking call did not end");
        }
      }
      if (session != null) {
        session.close();
        session = null; // Java 17's HttpClient goes only once unreachable
      }
      // the server is still up: a connection the client kept shows as ESTABLISHED (or, had the
      // server closed it, CLOSE_WAIT) on the client's side
      if (adapter != null && !jdk) {
        List<String> open = pollUntilEmpty(() -> clientConnections(server.port()));
        if (!open.isEmpty()) {
          problems.add("client connections left open after close: " + open);
        }
      }
    } finally {
      server.close();
    }
    Set<String> stray = new HashSet<>(pollUntilEmpty(() -> {
      List<String> now = newClientThreads();
      now.removeIf(FaultFixture::isJdkSelector);
      return now;
    }));
    if (!stray.isEmpty()) {
      problems.add("threads left after close: " + stray);
    }
    if (jdk) {
      // Java 17's HttpClient cannot be closed: its selector thread, which also closes its pooled
      // connections, ends only some seconds after the client became unreachable. Waiting for
      // that after every test would make the suite slow, so the class checks them all at its end.
      List<String> selectors = newClientThreads();
      selectors.removeIf(n -> !isJdkSelector(n));
      String name = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?");
      DEFERRED.add(new Deferred(name + " " + adapter + "/" + mode, server.port(), selectors));
    }
    Set<String> tmp = sdkTempFiles();
    tmp.removeAll(tmpBefore);
    if (!tmp.isEmpty()) {
      problems.add("temporary files left in java.io.tmpdir: " + tmp);
    }
    if (!problems.isEmpty()) {
      fail(adapter + "/" + mode + ": " + problems);
    }
  }

  /** A JDK-adapter test's selector threads and server port, checked once the class is done. */
  private record Deferred(String test, int port, List<String> selectors) {}

  private static final List<Deferred> DEFERRED = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterAll
  static void jdkClientsAreGoneToo() throws InterruptedException {
    List<String> left = pollUntilEmpty(
        () -> {
          Set<String> alive = threadNames();
          List<String> out = new ArrayList<>();
          for (Deferred d : DEFERRED) {
            List<String> open = clientConnections(d.port());
            List<String> threads = new ArrayList<>(d.selectors());
            threads.retainAll(alive);
            if (!open.isEmpty() || !threads.isEmpty()) {
              out.add(d.test() + ": connections " + open + ", threads " + threads);
            }
          }
          return out;
        },
        Duration.ofSeconds(15));
    DEFERRED.clear();
    if (!left.isEmpty()) {
      fail("left after the sessions were closed: " + left);
    }
  }

  private List<String> newClientThreads() {
    Set<String> now = threadNames();
    now.removeAll(threadsBefore);
    now.removeIf(FaultFixture::notClientThread);
    return new ArrayList<>(now);
  }

  private static boolean isJdkSelector(String name) {
    return name.startsWith("HttpClient-") && name.endsWith("-SelectorManager");
  }

  /**
   * Polls (for up to 5 s) until {@code probe} finds nothing. Java 17's HttpClient cannot be closed: its
   * selector thread and connections go once the client is unreachable, so the collector gets a nudge.
   */
  private static List<String> pollUntilEmpty(java.util.function.Supplier<List<String>> probe)
      throws InterruptedException {
    return pollUntilEmpty(probe, Duration.ofSeconds(5));
  }

  private static List<String> pollUntilEmpty(
      java.util.function.Supplier<List<String>> probe, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    List<String> found = probe.get();
    while (!found.isEmpty() && System.nanoTime() < deadline) {
      System.gc();
      Thread.sleep(50);
      found = probe.get();
    }
    return found;
  }

  /** Threads that are not the client's: the server's, the test's, the JDK's shared ones. */
  private static boolean notClientThread(String name) {
    return name.startsWith("OkHttp")
        || name.startsWith("MockWebServer")
        || name.equals("fault-caller")
        || name.startsWith("ForkJoinPool.commonPool")
        || name.startsWith("junit")
        || name.equals("Attach Listener")
        // the JDK's one shared timer of CompletableFuture.delayedExecutor (async retry backoff),
        // made once
        || name.equals("CompletableFutureDelayScheduler");
  }

  static Set<String> threadNames() {
    Set<String> s = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive()) {
        s.add(t.getName());
      }
    }
    return s;
  }

  /** Names in java.io.tmpdir that look like the SDK's temporary files. */
  private static Set<String> sdkTempFiles() {
    Set<String> out = new HashSet<>();
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.contains(".partial-"))
          .forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /**
   * The client side of every TCP connection to {@code serverPort} that is still open: in {@code
   * ESTABLISHED} (01) or {@code CLOSE_WAIT} (08, the server closed and the client did not) state.
   * Closed ones are in FIN_WAIT/TIME_WAIT or gone.
   */
  static List<String> clientConnections(int serverPort) {
    List<String> out = new ArrayList<>();
    String port = String.format(Locale.ROOT, "%04X", serverPort);
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file));
      } catch (IOException e) {
        continue; // no IPv6, say
      }
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4) {
          continue;
        }
        String remote = f[2];
        String state = f[3];
        if (remote.endsWith(":" + port) && (state.equals("01") || state.equals("08"))) {
          out.add(f[1] + "->" + remote + " state " + state);
        }
      }
    }
    return out;
  }

  /** The exception's cause chain never carries the secret key. */
  static void assertTyped(BackendException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertEquals(
          -1, String.valueOf(t.getMessage()).indexOf("fault-secret"), "secret in a message");
    }
  }
}
