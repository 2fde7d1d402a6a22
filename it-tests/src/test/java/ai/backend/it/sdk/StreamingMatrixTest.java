package ai.backend.it.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ApiVersion;
import ai.backend.client.AsyncKernel;
import ai.backend.client.BatchOptions;
import ai.backend.client.ExecutionStatus;
import ai.backend.client.Kernel;
import ai.backend.client.KernelOptions;
import ai.backend.client.RunOptions;
import ai.backend.client.RunResult;
import ai.backend.client.RunResult.Step;
import ai.backend.client.Session;
import ai.backend.client.Terminal;
import ai.backend.client.TerminalListener;
import ai.backend.client.errors.AuthenticationException;
import ai.backend.client.errors.InvalidArgumentException;
import ai.backend.client.errors.NotFoundException;
import ai.backend.local.LocalServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PTY terminals (spec §8.1) and streaming execute (§8.2) through the SDK × {apache, jdk} × {v4
 * /stream/kernel, v9 /stream/session}, against local-server over real WebSockets (text frames; binary
 * frames in {@link #binaryFramesServer}).
 */
class StreamingMatrixTest extends SdkFixture {
  static final ApiVersion V4_STREAM = ApiVersion.V4_20190615;

  static Stream<Arguments> streams() {
    List<Arguments> out = new ArrayList<>();
    for (String adapter : List.of("apache", "jdk")) {
      for (ApiVersion v : List.of(V4_STREAM, V9)) {
        out.add(Arguments.of(adapter, v));
      }
    }
    return out.stream();
  }

  static KernelOptions named(String prefix) {
    return KernelOptions.builder()
        .name(prefix + "-" + KernelOptions.generateName().substring(0, 10))
        .build();
  }

  /** Collects terminal output as text and lets a test wait for what it expects. */
  static final class Screen implements TerminalListener {
    final StringBuffer text = new StringBuffer();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onOutput(byte[] data) {
      threads.add(Thread.currentThread().getName());
      text.append(new String(data, StandardCharsets.UTF_8));
    }

    @Override
    public void onClosed(int code, String reason) {
      closed.complete(code);
    }

    @Override
    public void onFailure(Throwable error) {
      closed.completeExceptionally(error);
    }

    String await(String what, Predicate<String> done) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        String s = text.toString();
        if (done.test(s)) {
          return s;
        }
        Thread.sleep(20);
      }
      throw new AssertionError("timed out waiting for " + what + "; output so far:\n" + text);
    }

    int mark() {
      return text.length();
    }

    String since(int mark) {
      return text.substring(mark);
    }
  }

  static boolean prompt(String s) {
    return s.contains("$ ") || s.contains("# ");
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("streams")
  void terminalEchoResizeRestartAndCloseOnDestroy(String adapter, ApiVersion v) throws Exception {
    Kernel k = Kernel.getOrCreate(open(adapter, Mode.SYNC, v).session(), "python", named("pty"));
    Screen screen = new Screen();
    try (Terminal t = k.streamPty(screen)) {
      assertTrue(t.isOpen());
      screen.await("a prompt", StreamingMatrixTest::prompt);
      t.write("echo hello-$((6*7))\r").get(5, TimeUnit.SECONDS);
      screen.await("echo's output", s -> s.contains("hello-42"));

      t.resize(33, 101).get(5, TimeUnit.SECONDS);
      int m = screen.mark();
      t.write("stty size\r");
      screen.await("the new size", s -> screen.since(m).contains("33 101"));

      t.write("export MARK=before-restart\r");
      t.restart().get(5, TimeUnit.SECONDS);
      int m2 = screen.mark();
      t.write("echo mark=${MARK:-gone}\r");
      screen.await("a fresh shell", s -> screen.since(m2).contains("mark=gone"));
      t.ping().get(5, TimeUnit.SECONDS);
      assertTrue(
          screen.threads.stream().allMatch(n -> n.startsWith("backendai-pty-")),
          screen.threads.toString());

      k.destroy();
      assertEquals(1000, t.closed().get(10, TimeUnit.SECONDS));
      assertEquals(1000, screen.closed.get(10, TimeUnit.SECONDS));
      assertFalse(t.isOpen());
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("streams")
  void terminalOutputAsABackPressuredPublisher(String adapter, ApiVersion v) throws Exception {
    Session session = open(adapter, Mode.ASYNC, v).session();
    AsyncKernel k =
        AsyncKernel.getOrCreate(session.async(), "python", named("pub")).get(20, TimeUnit.SECONDS);
    try {
      Terminal t = k.streamPty().get(10, TimeUnit.SECONDS);
      StringBuffer seen = new StringBuffer();
      CompletableFuture<Void> completed = new CompletableFuture<>();
      t.output().subscribe(new Flow.Subscriber<>() {
        Flow.Subscription sub;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          sub = s;
          s.request(1); // one chunk at a time
        }

        @Override
        public void onNext(byte[] item) {
          seen.append(new String(item, StandardCharsets.UTF_8));
          sub.request(1);
        }

        @Override
        public void onError(Throwable e) {
          completed.completeExceptionally(e);
        }

        @Override
        public void onComplete() {
          completed.complete(null);
        }
      });
      t.write("for i in 1 2 3; do echo line-$i; done\r");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!seen.toString().contains("line-3") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(seen.toString().contains("line-3"), seen.toString());
      t.close();
      completed.get(10, TimeUnit.SECONDS);
      try (Terminal withListener = k.streamPty(new Screen()).get(10, TimeUnit.SECONDS)) {
        assertThrows(IllegalStateException.class, withListener::output);
      }
    } finally {
      k.destroy().get(20, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("streams")
  void streamRunDeliversOutputAsProducedAndAnswersInput(String adapter, ApiVersion v)
      throws Exception {
    Kernel k = Kernel.getOrCreate(open(adapter, Mode.SYNC, v).session(), "python", named("srun"));
    try {
      assertTrue(k.supportsStreaming());
      List<Long> arrivals = new CopyOnWriteArrayList<>();
      long start = System.nanoTime();
      RunResult r = k.streamRun(
          "import time\nfor i in range(3):\n    print('tick', i, flush=True)\n    time.sleep(0.5)\n",
          RunOptions.defaults().withListener(item -> arrivals.add(System.nanoTime() - start)));
      long end = System.nanoTime() - start;
      assertEquals(ExecutionStatus.FINISHED, r.status());
      assertEquals(java.util.OptionalInt.of(0), r.exitCode());
      assertEquals("tick 0\ntick 1\ntick 2\n", r.stdout());
      assertNull(r.runId());
      assertTrue(arrivals.size() >= 3, arrivals.toString());
      assertTrue(
          arrivals.get(0) < end - 700_000_000L,
          "first output only arrived at the end: " + arrivals + " / " + end);

      List<String> asked = new ArrayList<>();
      RunResult in = k.streamRun(
          "name = input('your name? ')\nprint('hi ' + name)\n",
          RunOptions.defaults().withInput((prompt, password) -> {
            asked.add(prompt + "|" + password);
            return "Lablup";
          }));
      assertEquals(List.of("your name? |false"), asked);
      assertTrue(in.stdout().contains("hi Lablup"), in.stdout());

      asked.clear();
      RunResult pw = k.streamRun(
          "import getpass\np = getpass.getpass('secret: ')\nprint(len(p))\n",
          RunOptions.defaults().withInput((prompt, password) -> {
            asked.add(prompt + "|" + password);
            return "hunter2";
          }));
      assertTrue(asked.size() == 1 && asked.get(0).endsWith("|true"), asked.toString());
      assertTrue(pw.stdout().contains("7"), pw.stdout());

      RunResult fail = k.streamRun("raise SystemExit(3)", RunOptions.defaults());
      assertEquals(java.util.OptionalInt.of(3), fail.exitCode());
    } finally {
      k.destroy();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("streams")
  void streamBatchReportsStepsAndExitCodes(String adapter, ApiVersion v) throws Exception {
    Kernel k = Kernel.getOrCreate(open(adapter, Mode.SYNC, v).session(), "python", named("sbatch"));
    try {
      RunResult r = k.streamRunBatch(
          new BatchOptions(null, "echo building", "sh -c 'echo ran; exit 3'", true),
          RunOptions.defaults());
      assertEquals(ExecutionStatus.FINISHED, r.status());
      assertEquals(java.util.OptionalInt.of(3), r.exitCode());
      assertTrue(r.stdout().contains("building") && r.stdout().contains("ran"), r.stdout());
      assertEquals(
          List.of(
              new Step(ExecutionStatus.BUILD_FINISHED, 0), new Step(ExecutionStatus.FINISHED, 3)),
          r.steps());
    } finally {
      k.destroy();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("streams")
  void cancellingAStreamedRunInterruptsIt(String adapter, ApiVersion v) throws Exception {
    Session session = open(adapter, Mode.ASYNC, v).session();
    AsyncKernel k = AsyncKernel.getOrCreate(session.async(), "python", named("cancel"))
        .get(20, TimeUnit.SECONDS);
    try {
      CompletableFuture<Void> started = new CompletableFuture<>();
      CompletableFuture<RunResult> run = k.streamRun(
          "import time\nprint('started', flush=True)\ntime.sleep(60)\n",
          RunOptions.defaults().withListener(item -> started.complete(null)));
      started.get(20, TimeUnit.SECONDS);
      run.cancel(true);
      // the server interrupted the sleep: the next run does not wait for it
      long t0 = System.nanoTime();
      RunResult next = k.run("print('next')", RunOptions.defaults()).get(20, TimeUnit.SECONDS);
      assertEquals("next\n", next.stdout());
      assertTrue(
          System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(15),
          "the cancelled run was not interrupted");
    } finally {
      k.destroy().get(20, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("streams")
  void closingTheSessionClosesItsOpenStreams(String adapter, ApiVersion v) throws Exception {
    Session owner = open(adapter, Mode.SYNC, v).session();
    Kernel k = Kernel.getOrCreate(owner, "python", named("owner"));
    try {
      Screen screen = new Screen();
      Terminal t = k.streamPty(screen);
      CompletableFuture<RunResult> run =
          k.async().streamRun("import time\ntime.sleep(60)", RunOptions.defaults());
      owner.close();
      assertEquals(1000, screen.closed.get(10, TimeUnit.SECONDS));
      assertFalse(t.isOpen());
      assertTrue(run.isCancelled());
    } finally {
      Kernel.of(open(adapter, Mode.SYNC, v).session(), k.name()).destroy();
    }
  }

  /**
   * A session that owns its transport closes it right after its streams: every open terminal and
   * tunnel must still complete (onClosed, closed()) and leave no delivery thread behind.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("streams")
  void closingASessionThatOwnsItsTransportCompletesEveryStream(String adapter, ApiVersion v)
      throws Exception {
    Session owner =
        Session.builder().config(config(v).build()).transportName(adapter).build();
    Kernel k = Kernel.getOrCreate(owner, "python", named("owns"));
    String name = k.name();
    try {
      Screen screen = new Screen();
      Terminal t = k.streamPty(screen);
      CompletableFuture<Integer> tunnelClosed = new CompletableFuture<>();
      ai.backend.client.AppTunnel tunnel =
          k.connectApp("http", new ai.backend.client.AppTunnel.Listener() {
            @Override
            public void onData(byte[] data) {}

            @Override
            public void onClosed(int code, String reason) {
              tunnelClosed.complete(code);
            }

            @Override
            public void onFailure(Throwable error) {
              tunnelClosed.completeExceptionally(error);
            }
          });
      owner.close();
      assertEquals(1000, screen.closed.get(5, TimeUnit.SECONDS));
      assertEquals(1000, t.closed().get(5, TimeUnit.SECONDS));
      tunnelClosed.get(5, TimeUnit.SECONDS);
      tunnel.closed().get(5, TimeUnit.SECONDS);
      assertFalse(t.isOpen());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      List<String> left = List.of();
      while (System.nanoTime() < deadline) {
        left = Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(n -> n.startsWith("backendai-pty-") || n.startsWith("backendai-app-"))
            .toList();
        if (left.isEmpty()) {
          break;
        }
        Thread.sleep(20);
      }
      assertEquals(List.of(), left, "delivery threads left");
    } finally {
      Kernel.of(open(adapter, Mode.SYNC, v).session(), name).destroy();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("streams")
  void handshakeFailuresAreTyped(String adapter, ApiVersion v) throws Exception {
    Kernel missing = Kernel.of(open(adapter, Mode.SYNC, v).session(), "no-such-session");
    assertThrows(NotFoundException.class, () -> missing.streamPty(new Screen()));
    assertThrows(
        NotFoundException.class, () -> missing.streamRun("print(1)", RunOptions.defaults()));

    Session good = open(adapter, Mode.SYNC, v).session();
    Kernel k = Kernel.getOrCreate(good, "python", named("auth"));
    try {
      Session wrong = open(
              adapter,
              Mode.SYNC,
              config(v).secretKey("wrong-secret-key-000000000000".toCharArray()).build())
          .session();
      Kernel viaWrong = Kernel.of(wrong, k.name());
      assertThrows(AuthenticationException.class, () -> viaWrong.streamPty(new Screen()));
    } finally {
      k.destroy();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void oldVersionsRefuseStreamingBeforeConnecting(String adapter) {
    Kernel k = Kernel.of(open(adapter, Mode.SYNC, V4).session(), "whatever");
    assertFalse(k.supportsStreaming());
    assertThrows(InvalidArgumentException.class, () -> k.streamPty(new Screen()));
    assertThrows(
        InvalidArgumentException.class, () -> k.streamRun("print(1)", RunOptions.defaults()));
  }

  static Stream<String> adapters() {
    return Stream.of("apache", "jdk");
  }

  /** A server that sends its JSON frames as binary frames (Backend.AI 25.6+). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("adapters")
  void binaryFramesServer(String adapter) throws Exception {
    try (LocalServer binary =
        LocalServer.builder().port(0).binaryStreamFrames(true).start()) {
      Session s = open(
              adapter,
              Mode.SYNC,
              ai.backend.client.Config.builder()
                  .endpoint(binary.uri())
                  .accessKey(binary.accessKey())
                  .secretKey(binary.secretKey())
                  .apiVersion(V9)
                  .maxRetries(0)
                  .build())
          .session();
      Kernel k = Kernel.getOrCreate(s, "python", named("bin"));
      Screen screen = new Screen();
      try (Terminal t = k.streamPty(screen)) {
        t.write("echo bin-$((40+2))\r");
        screen.await("output from binary frames", x -> x.contains("bin-42"));
      }
      RunResult r = k.streamRun(
          "print('streamed')", RunOptions.defaults().withTimeout(Duration.ofSeconds(30)));
      assertEquals("streamed\n", r.stdout());
      k.destroy();
    }
  }
}
