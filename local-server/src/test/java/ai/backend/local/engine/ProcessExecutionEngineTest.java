package ai.backend.local.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.testsupport.Toolchain;
import ai.backend.testsupport.Toolchains;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessExecutionEngineTest {
  private static final Duration FLUSH = Duration.ofSeconds(2);
  private static ProcessExecutionEngine engine;

  @TempDir
  Path work;

  @BeforeAll
  static void setUp() {
    engine = ProcessExecutionEngine.create();
  }

  @AfterAll
  static void tearDown() {
    engine.close();
  }

  /** Everything one run produced, following the client loop of spec §5.7. */
  record Outcome(
      List<String> statuses,
      String stdout,
      String stderr,
      Integer exitCode,
      List<ExecResult> results) {}

  static Outcome run(Kernel k, ExecRequest first, Duration flush, Deque<String> inputs) {
    List<String> statuses = new ArrayList<>();
    List<ExecResult> results = new ArrayList<>();
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    ExecResult r = k.execute(first, flush);
    for (int i = 0; i < 500; i++) {
      results.add(r);
      statuses.add(r.status().wire());
      for (ConsoleItem c : r.console()) {
        (c.type().equals("stderr") ? err : out).append(c.value());
      }
      switch (r.status()) {
        case FINISHED:
        case EXEC_TIMEOUT:
          return new Outcome(statuses, out.toString(), err.toString(), r.exitCode(), results);
        case WAITING_INPUT:
          r = k.execute(
              new ExecRequest(ExecMode.INPUT, r.runId(), inputs.removeFirst(), null), flush);
          break;
        default:
          r = k.execute(new ExecRequest(ExecMode.CONTINUE, r.runId(), "", null), flush);
      }
    }
    throw new AssertionError("run did not finish: " + statuses);
  }

  static Outcome query(Kernel k, String code) {
    return run(k, new ExecRequest(ExecMode.QUERY, null, code, null), FLUSH, new ArrayDeque<>());
  }

  static Outcome batch(Kernel k, BatchOptions o, String... inputs) {
    return run(
        k, new ExecRequest(ExecMode.BATCH, null, "", o), FLUSH, new ArrayDeque<>(List.of(inputs)));
  }

  Kernel start(String image) {
    String rt = engine.resolveRuntime(image);
    toolchainOf(rt).ifPresent(Toolchains::assumeInstalled);
    return engine.start(image, work, Map.of("GREETING", "hi"), KernelLimits.defaults());
  }

  /** The optional toolchain a runtime needs (python3, sh and the JDK are always there). */
  static java.util.Optional<Toolchain> toolchainOf(String runtime) {
    switch (runtime) {
      case "c":
        return java.util.Optional.of(Toolchain.GCC);
      case "cpp":
        return java.util.Optional.of(Toolchain.GPP);
      case "nodejs":
        return java.util.Optional.of(Toolchain.NODE);
      case "lua5":
        return java.util.Optional.of(Toolchain.LUA);
      default:
        return java.util.Optional.empty();
    }
  }

  static void assertAllDead(List<Long> pids) {
    for (long pid : pids) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && ProcTree.alive(pid),
          "pid " + pid + " still alive");
    }
  }

  // ------------------------------------------------------------------ mapping

  @Test
  void imageMapping() {
    assertEquals("python", engine.resolveRuntime("python"));
    assertEquals("python", engine.resolveRuntime("python:3.6-ubuntu18.04"));
    assertEquals("python", engine.resolveRuntime("lablup/python:3.9"));
    assertEquals("python", engine.resolveRuntime("cr.backend.ai/stable/python:3.9-ubuntu20.04"));
    assertEquals("python", engine.resolveRuntime("lablup/python-tensorflow:2.3"));
    assertEquals("c", engine.resolveRuntime("c"));
    assertEquals("cpp", engine.resolveRuntime("lablup/cpp:latest"));
    assertEquals("java", engine.resolveRuntime("java:17"));
    assertEquals("nodejs", engine.resolveRuntime("node"));
    assertEquals("nodejs", engine.resolveRuntime("nodejs:12"));
    assertEquals("lua5", engine.resolveRuntime("lua:5.3"));
    assertEquals("lua5", engine.resolveRuntime("lua5"));
    assertEquals("sh", engine.resolveRuntime("bash"));
    UnknownImageException e =
        assertThrows(UnknownImageException.class, () -> engine.resolveRuntime("cobol:1"));
    assertEquals("Unknown image: cobol:1", e.getMessage());
    assertThrows(UnknownImageException.class, () -> engine.start("cobol", work, Map.of(), null));
  }

  @Test
  void everyServedImageNameMapsToItsOwnRuntime() {
    for (String image : LanguageRuntime.imageNames()) {
      assertEquals(image, engine.resolveRuntime(image));
    }
    assertEquals(
        List.of("python", "c", "cpp", "java", "nodejs", "lua5", "sh"),
        LanguageRuntime.imageNames());
  }

  @Test
  void statusesKeepTheirWireNames() {
    assertEquals(
        List.of(
            "continued",
            "waiting-input",
            "clean-finished",
            "build-finished",
            "finished",
            "exec-timeout"),
        java.util.Arrays.stream(ExecStatus.values()).map(ExecStatus::wire).toList());
  }

  @Test
  void unavailableRuntimeNamesTheTool() {
    try (ProcessExecutionEngine bare = ProcessExecutionEngine.create("/nonexistent")) {
      assertTrue(bare.availableRuntimes().isEmpty() || !bare.availableRuntimes().contains("c"));
      RuntimeUnavailableException e = assertThrows(
          RuntimeUnavailableException.class,
          () -> bare.start("c", work, Map.of(), KernelLimits.defaults()));
      assertTrue(e.getMessage().contains("apt-get install gcc"), e.getMessage());
      assertTrue(bare.unavailable("lua:5.3").orElseThrow().contains("apt-get install lua5.4"));
      assertTrue(bare.unavailable("python").orElseThrow().contains("apt-get install python3"));
    }
  }

  // ------------------------------------------------------------------ python query

  @Test
  void pythonStatusesAndState() throws Exception {
    try (Kernel k = start("python:3.9")) {
      Outcome o = query(k, "x = 40\nprint('hello')");
      assertEquals(List.of("finished"), o.statuses());
      assertEquals(0, o.exitCode());
      assertEquals("hello\n", o.stdout());
      o = query(k, "print(x + 2)");
      assertEquals("42\n", o.stdout());
      o = query(k, "1/0");
      assertEquals(1, o.exitCode());
      assertTrue(o.stderr().contains("ZeroDivisionError"), o.stderr());
      o = query(k, "import sys\nsys.exit(3)");
      assertEquals(3, o.exitCode());
      o = query(k, "print(x, __name__)");
      assertEquals("40 __main__\n", o.stdout(), "sys.exit must not kill the interpreter");
      o = query(k, "import os\nprint(os.environ['GREETING'], os.getcwd())");
      assertEquals("hi " + work.toRealPath() + "\n", o.stdout());
      o = query(k, "import sys\nprint('a')\nprint('b', file=sys.stderr)\nprint('c')");
      List<ConsoleItem> items = o.results().get(0).console();
      assertEquals(
          List.of(
              new ConsoleItem("stdout", "a\n"),
              new ConsoleItem("stderr", "b\n"),
              new ConsoleItem("stdout", "c\n")),
          items);
      assertEquals(1, query(k, "def f(:\n  pass").exitCode());
    }
  }

  @Test
  void pythonContinuedThenFinished() {
    try (Kernel k = start("python")) {
      long t0 = System.nanoTime();
      ExecResult r = k.execute(
          new ExecRequest(
              ExecMode.QUERY,
              null,
              "import time\nfor i in range(3):\n  print('tick', i)\n  time.sleep(1)",
              null),
          Duration.ofMillis(500));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertEquals(ExecStatus.CONTINUED, r.status());
      assertEquals(32, r.runId().length());
      assertTrue(r.runId().matches("[0-9a-f]{32}"));
      assertTrue(ms >= 400 && ms < 2500, "returned after " + ms + " ms");
      assertEquals(List.of(new ConsoleItem("stdout", "tick 0\n")), r.console());
      Outcome o = run(
          k,
          new ExecRequest(ExecMode.CONTINUE, r.runId(), "", null),
          Duration.ofMillis(500),
          new ArrayDeque<>());
      assertEquals("finished", o.statuses().get(o.statuses().size() - 1));
      assertEquals("tick 1\ntick 2\n", o.stdout());
      assertThrows(
          InvalidExecRequestException.class,
          () -> k.execute(new ExecRequest(ExecMode.CONTINUE, "nope", "", null), FLUSH));
      assertThrows(
          InvalidExecRequestException.class,
          () -> k.execute(new ExecRequest(ExecMode.CONTINUE, null, "", null), FLUSH));
    }
  }

  @Test
  void pythonInputAndGetpass() {
    try (Kernel k = start("python")) {
      ExecResult r = k.execute(
          new ExecRequest(
              ExecMode.QUERY,
              "myrun",
              "name = input('name? ')\nimport getpass\npw = getpass.getpass('pw: ')\n"
                  + "print('hi', name, len(pw))",
              null),
          FLUSH);
      assertEquals("myrun", r.runId());
      assertEquals(ExecStatus.WAITING_INPUT, r.status());
      assertFalse(r.passwordInput());
      assertEquals(List.of(new ConsoleItem("stdout", "name? ")), r.console());
      r = k.execute(new ExecRequest(ExecMode.INPUT, "myrun", "Bob", null), FLUSH);
      assertEquals(ExecStatus.WAITING_INPUT, r.status());
      assertTrue(r.passwordInput());
      assertEquals(List.of(new ConsoleItem("stdout", "pw: ")), r.console());
      r = k.execute(new ExecRequest(ExecMode.INPUT, "myrun", "secret", null), FLUSH);
      assertEquals(ExecStatus.FINISHED, r.status());
      assertEquals(0, r.exitCode());
      assertEquals(List.of(new ConsoleItem("stdout", "hi Bob 6\n")), r.console());
    }
  }

  @Test
  void pythonTimeoutRestartsInterpreterButKernelStaysUsable() {
    try (Kernel k = engine.start(
        "python", work, Map.of(), new KernelLimits(Duration.ofMillis(700), 0, 1 << 20))) {
      query(k, "x = 1");
      Outcome o = query(k, "import time\nprint('start')\ntime.sleep(30)");
      assertEquals("exec-timeout", o.statuses().get(o.statuses().size() - 1));
      assertNull(o.exitCode());
      assertEquals("start\n", o.stdout());
      o = query(k, "print('x' in globals())");
      assertEquals("False\n", o.stdout());
      assertTrue(k.logs().contains("timeout"), k.logs());
    }
  }

  private static void assertNull(Object o) {
    assertEquals(null, o);
  }

  @Test
  void outputLimitTruncatesWithOneNotice() {
    try (Kernel k =
        engine.start("python", work, Map.of(), new KernelLimits(Duration.ofMinutes(1), 0, 1000))) {
      Outcome o = query(k, "for i in range(1000):\n  print('0123456789')");
      assertEquals(0, o.exitCode());
      assertEquals(1000, o.stdout().length());
      assertEquals(1, o.stderr().split("truncated", -1).length - 1, o.stderr());
    }
  }

  @Test
  void fifoSecondRunWaitsForFirst() throws Exception {
    try (Kernel k = start("python")) {
      query(k, "import threading, time\nev = open('/dev/null')");
      ExecResult first = k.execute(
          new ExecRequest(
              ExecMode.QUERY,
              null,
              "import sys\nline = sys.stdin\nimport time\nwhile not __import__('os').path.exists('go'): time.sleep(0.01)\nprint('first done')",
              null),
          Duration.ZERO);
      assertEquals(ExecStatus.CONTINUED, first.status());
      CompletableFuture<Outcome> second =
          CompletableFuture.supplyAsync(() -> query(k, "print('second')"));
      // the second run cannot complete while the first is still going
      assertThrows(
          java.util.concurrent.TimeoutException.class,
          () -> second.get(300, TimeUnit.MILLISECONDS));
      Files.writeString(work.resolve("go"), "");
      Outcome o1 = run(
          k,
          new ExecRequest(ExecMode.CONTINUE, first.runId(), "", null),
          FLUSH,
          new ArrayDeque<>());
      assertEquals("first done\n", o1.stdout());
      assertEquals("second\n", second.get(20, TimeUnit.SECONDS).stdout());
    }
  }

  @Test
  void interruptRaisesKeyboardInterruptAndInterpreterSurvives() {
    try (Kernel k = start("python")) {
      query(k, "y = 5");
      ExecResult r = k.execute(
          new ExecRequest(
              ExecMode.QUERY, null, "import time\nprint('go', flush=True)\ntime.sleep(30)", null),
          Duration.ofMillis(200));
      // "go" is printed before sleeping; wait for it so that SIGINT hits the sleep
      while (r.status() == ExecStatus.CONTINUED && r.console().isEmpty()) {
        r = k.execute(
            new ExecRequest(ExecMode.CONTINUE, r.runId(), "", null), Duration.ofMillis(200));
      }
      k.interrupt();
      Outcome o = run(
          k, new ExecRequest(ExecMode.CONTINUE, r.runId(), "", null), FLUSH, new ArrayDeque<>());
      assertEquals(130, o.exitCode());
      assertTrue(o.stderr().contains("KeyboardInterrupt"), o.stderr());
      assertEquals("5\n", query(k, "print(y)").stdout());
    }
  }

  @Test
  void restartLosesStateKeepsFiles() throws Exception {
    try (Kernel k = start("python")) {
      query(k, "z = 1\nopen('keep.txt', 'w').write('kept')");
      List<Long> before = k.pids();
      k.restart();
      assertTrue(k.isAlive());
      assertEquals("False\n", query(k, "print('z' in globals())").stdout());
      assertEquals("kept", Files.readString(work.resolve("keep.txt")));
      assertAllDead(before);
      assertTrue(k.logs().contains("restarted"));
    }
  }

  @Test
  void completion() {
    try (Kernel k = start("python")) {
      query(k, "my_variable = 1");
      List<String> c = k.complete("print(my_va");
      assertEquals(List.of("my_variable"), c);
      assertTrue(k.complete("pri").contains("print("));
      ExecResult r = k.execute(new ExecRequest(ExecMode.COMPLETE, null, "my_v", null), FLUSH);
      assertEquals(List.of(new ConsoleItem("completion", List.of("my_variable"))), r.console());
    }
  }

  @Test
  void closeKillsWholeTree() {
    Kernel k = start("python");
    query(k, "import subprocess\np = subprocess.Popen(['sleep', '100'])");
    List<Long> pids = k.pids();
    assertTrue(pids.size() >= 2, "python + sleep: " + pids);
    k.close();
    assertAllDead(pids);
    assertFalse(k.isAlive());
    k.close(); // idempotent
  }

  @Test
  void engineCloseKillsAllKernels() {
    ProcessExecutionEngine e = ProcessExecutionEngine.create();
    List<Kernel> ks = new ArrayList<>();
    List<Long> pids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Kernel k = e.start("python", work.resolve("k" + i), Map.of(), KernelLimits.defaults());
      ks.add(k);
      pids.addAll(k.pids());
    }
    Kernel sh = e.start("sh", work.resolve("s"), Map.of(), KernelLimits.defaults());
    ExecResult r =
        sh.execute(new ExecRequest(ExecMode.QUERY, null, "sleep 100", null), Duration.ZERO);
    assertEquals(ExecStatus.CONTINUED, r.status());
    pids.addAll(sh.pids());
    e.close();
    assertAllDead(pids);
    for (Kernel k : ks) {
      assertFalse(k.isAlive());
    }
  }

  // ------------------------------------------------------------------ batch and other runtimes

  private void writeCExample() throws Exception {
    Files.writeString(work.resolve("mylib.h"), "int myvalue(void);\n");
    Files.writeString(
        work.resolve("mylib.c"), "#include \"mylib.h\"\nint myvalue(void) { return 42; }\n");
    Files.writeString(
        work.resolve("main.c"),
        "#include <stdio.h>\n#include \"mylib.h\"\n"
            + "int main() {\n  char name[64];\n  printf(\"myvalue is %d\\n\", myvalue());\n"
            + "  printf(\"your name? \");\n  if (scanf(\"%63s\", name) != 1) return 2;\n"
            + "  printf(\"hello, %s!\\n\", name);\n  return 0;\n}\n");
  }

  @Test
  void batchCExampleWithStdin() throws Exception {
    try (Kernel k = start("c")) {
      writeCExample();
      Outcome o = batch(k, new BatchOptions(null, "*", true, "*"), "Alice");
      List<String> s = new ArrayList<>(o.statuses());
      s.removeIf(x -> x.equals("continued"));
      assertEquals(List.of("build-finished", "waiting-input", "finished"), s);
      assertEquals(0, o.exitCode());
      assertEquals("myvalue is 42\nyour name? hello, Alice!\n", o.stdout());
      int wi = o.statuses().indexOf("waiting-input");
      assertFalse(o.results().get(wi).passwordInput());
      assertTrue(Files.exists(work.resolve("main")));
    }
  }

  @Test
  void batchCleanReportedOnlyWhenGiven() throws Exception {
    try (Kernel k = start("sh")) {
      Files.writeString(work.resolve("main.sh"), "echo from-main; exit 4\n");
      Outcome o = batch(k, new BatchOptions("*", null, true, "*"));
      List<String> s = new ArrayList<>(o.statuses());
      s.removeIf(x -> x.equals("continued"));
      assertEquals(List.of("clean-finished", "build-finished", "finished"), s);
      assertEquals(4, o.exitCode());
      assertEquals("from-main\n", o.stdout());
      assertEquals(
          "USER=work HOME=" + work + "\n",
          query(k, "echo USER=$USER HOME=$HOME").stdout());
    }
  }

  @Test
  void failedBuildSkipsExec() throws Exception {
    try (Kernel k = start("c")) {
      Files.writeString(work.resolve("main.c"), "int main( { syntax error\n");
      Outcome o = batch(k, new BatchOptions(null, "*", true, "echo should-not-run"));
      List<String> s = new ArrayList<>(o.statuses());
      s.removeIf(x -> x.equals("continued"));
      assertEquals(List.of("build-finished", "finished"), s);
      assertEquals(127, o.exitCode());
      assertNotEquals0(o.results());
      assertFalse(o.stdout().contains("should-not-run"));
      assertTrue(o.stderr().contains("error"), o.stderr());
    }
  }

  private static void assertNotEquals0(List<ExecResult> results) {
    for (ExecResult r : results) {
      if (r.status() == ExecStatus.BUILD_FINISHED) {
        assertTrue(r.exitCode() != null && r.exitCode() != 0);
      }
    }
  }

  @Test
  void cOneLinerQuery() {
    try (Kernel k = start("c")) {
      Outcome o = query(k, "#include <stdio.h>\nint main() {printf(\"hello world\\n\");}");
      assertEquals("hello world\n", o.stdout());
      assertEquals(0, o.exitCode());
      assertEquals(3, query(k, "int main() { return 3; }").exitCode());
    }
  }

  @Test
  void shQueryWithInputAndTimeout() {
    try (Kernel k =
        engine.start("bash", work, Map.of(), new KernelLimits(Duration.ofSeconds(2), 0, 1 << 20))) {
      Outcome o = run(
          k,
          new ExecRequest(ExecMode.QUERY, null, "read -p 'who? ' x; echo \"got $x\"", null),
          FLUSH,
          new ArrayDeque<>(List.of("me")));
      assertTrue(o.statuses().contains("waiting-input"), o.statuses().toString());
      assertEquals("got me\n", o.stdout()); // read -p prompts only on a terminal
      o = run(
          k,
          new ExecRequest(
              ExecMode.QUERY, null, "read -p 'a? ' a; read -p 'b? ' b; echo \"$a$b\"", null),
          FLUSH,
          new ArrayDeque<>(List.of("1", "2")));
      assertEquals(
          2,
          o.statuses().stream().filter("waiting-input"::equals).count(),
          o.statuses().toString());
      assertEquals("12\n", o.stdout().replace("a? ", "").replace("b? ", ""));
      o = query(k, "echo before; sleep 30 & sleep 30");
      assertEquals("exec-timeout", o.statuses().get(o.statuses().size() - 1));
      assertEquals("ok\n", query(k, "echo ok").stdout());
      assertTrue(k.pids().isEmpty(), "sleepers killed: " + k.pids());
    }
  }

  @Test
  void nodeQueryAndBatch() throws Exception {
    try (Kernel k = start("nodejs")) {
      assertEquals("3\n", query(k, "console.log(1+2)").stdout());
      Files.writeString(work.resolve("main.js"), "console.log('main'); process.exit(5)");
      Outcome o = batch(k, new BatchOptions(null, "*", true, "*"));
      assertEquals("main\n", o.stdout());
      assertEquals(5, o.exitCode());
    }
  }

  @Test
  void luaQueryWithInput() {
    try (Kernel k = start("lua:5.3")) {
      // io.write/io.read are C stdio: stdbuf makes the prompt arrive, /proc detects the read
      Outcome o = run(
          k,
          new ExecRequest(
              ExecMode.QUERY,
              null,
              "io.write('name? ')\nlocal n = io.read()\nprint('hi ' .. n)",
              null),
          FLUSH,
          new ArrayDeque<>(List.of("Lu")));
      assertTrue(o.statuses().contains("waiting-input"), o.statuses().toString());
      assertEquals("name? hi Lu\n", o.stdout());
      assertEquals("2\n", query(k, "print(1+1)").stdout());
    }
  }

  @Test
  void javaQueryWrapped() {
    try (Kernel k = start("java")) {
      assertEquals("hi 3\n", query(k, "System.out.println(\"hi \" + (1+2));").stdout());
    }
  }

  @Test
  void interruptBatchProcess() {
    try (Kernel k = start("sh")) {
      ExecResult r = k.execute(
          new ExecRequest(ExecMode.QUERY, null, "sleep 30", null), Duration.ofMillis(200));
      assertEquals(ExecStatus.CONTINUED, r.status());
      k.interrupt();
      Outcome o = run(
          k, new ExecRequest(ExecMode.CONTINUE, r.runId(), "", null), FLUSH, new ArrayDeque<>());
      assertEquals(130, o.exitCode());
    }
  }
}
