package ai.backend.local.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Session code that detaches on purpose still dies with its kernel: {@code setsid -f}, a Python double
 * fork with {@code os.setsid()}, and (where cgroups can be created) a process that also clears its
 * environment. What a killed server left behind is cleaned by the next start, and a live server's
 * home is never touched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessEscapeTest {
  @TempDir
  Path tmp;

  @TempDir
  Path work;

  private ProcessGuard guard;
  private ProcessExecutionEngine engine;

  @BeforeEach
  void setUp() {
    guard = ProcessGuard.open(tmp);
    engine = ProcessExecutionEngine.create(System.getenv("PATH"), guard);
  }

  @AfterEach
  void tearDown() {
    engine.close();
    guard.close();
  }

  /** Runs {@code code} and returns the pid the escaped process wrote to {@code file}. */
  private long escape(Kernel k, String code, String file) throws Exception {
    return escape(k, code, work.resolve(file));
  }

  private static long escape(Kernel k, String code, Path pidFile) throws Exception {
    ProcessExecutionEngineTest.query(k, code);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (Files.exists(pidFile)) {
        String s = Files.readString(pidFile).trim();
        if (!s.isEmpty()) {
          long pid = Long.parseLong(s);
          assertTrue(ProcTree.alive(pid), "the escaped process " + pid + " runs");
          return pid;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no pid in " + pidFile);
  }

  private static void assertDies(long pid, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcTree.alive(pid) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(ProcTree.alive(pid), what + " (pid " + pid + ") survived");
  }

  @Test
  void setsidDashFDiesWithItsKernel() throws Exception {
    Kernel k = engine.start("sh", work, Map.of(), KernelLimits.defaults());
    long pid = escape(k, "setsid -f sh -c 'echo $$ > esc.pid; exec sleep 300'", "esc.pid");
    assertFalse(
        k.pids().contains(pid),
        "setsid -f left the kernel's process tree: the tree kill alone misses it");
    k.close();
    assertDies(pid, "setsid -f");
  }

  @Test
  void aPythonDoubleForkWithSetsidDiesWithItsKernel() throws Exception {
    Kernel k = engine.start("python", work, Map.of(), KernelLimits.defaults());
    String code = String.join(
        "\n",
        "import os, time",
        "if os.fork() == 0:",
        "    os.setsid()",
        "    if os.fork() == 0:",
        "        open('df.pid', 'w').write(str(os.getpid()))",
        "        time.sleep(300)",
        "    os._exit(0)",
        "time.sleep(0.2)");
    long pid = escape(k, code, "df.pid");
    k.close();
    assertDies(pid, "double fork");
  }

  @Test
  void aProcessThatAlsoClearsItsEnvironmentDiesWhereCgroupsTrackIt() throws Exception {
    Assumptions.assumeTrue(
        guard.cgroups(), "this machine lets the server create no cgroup (not root)");
    Kernel k = engine.start("sh", work, Map.of(), KernelLimits.defaults());
    long pid = escape(
        k, "env -i /usr/bin/setsid -f /bin/sh -c 'echo $$ > envi.pid; exec sleep 300'", "envi.pid");
    assertFalse(
        new String(Files.readAllBytes(Path.of("/proc/" + pid + "/environ")))
            .contains(ProcessGuard.ENV),
        "the environment really was cleared");
    k.close();
    assertDies(pid, "env -i setsid -f");
  }

  @Test
  void engineCloseKillsTheEscapeesOfEveryKernel() throws Exception {
    Path w2 = Files.createDirectories(work.resolve("second"));
    Kernel a = engine.start("sh", work, Map.of(), KernelLimits.defaults());
    Kernel b = engine.start("sh", w2, Map.of(), KernelLimits.defaults());
    long pa = escape(a, "setsid -f sh -c 'echo $$ > a.pid; exec sleep 300'", "a.pid");
    long pb = escape(b, "setsid -f sh -c 'echo $$ > b.pid; exec sleep 300'", w2.resolve("b.pid"));
    engine.close(); // the server's shutdown path: one scan for all kernels
    assertDies(pa, "first kernel's escapee");
    assertDies(pb, "second kernel's escapee");
  }

  @Test
  void guardCloseKillsEverythingOfTheServerAndDeletesItsHome() throws Exception {
    Kernel k = engine.start("sh", work, Map.of(), KernelLimits.defaults());
    long pid = escape(k, "setsid -f sh -c 'echo $$ > g.pid; exec sleep 300'", "g.pid");
    Path home = guard.home();
    assertTrue(Files.isDirectory(home));
    guard.close(); // as the server's shutdown does, even before the kernel is closed
    assertDies(pid, "an escapee at server shutdown");
    assertFalse(Files.exists(home), "the server's temporary home is gone");
  }

  @Test
  void leftoversOfAServerThatIsGoneAreCleanedAndALiveOnesAreNot() throws Exception {
    // a server process that has exited: its pid with the start time it had
    Process gone = new ProcessBuilder("sleep", "0").start();
    long deadPid = gone.pid();
    long deadStart = ProcessGuard.startTime(deadPid);
    assertTrue(gone.waitFor(10, TimeUnit.SECONDS));
    String instance = deadPid + "-" + deadStart + "-00aa11bb22cc";
    Path deadHome =
        Files.createDirectories(tmp.resolve("bai-server-" + instance).resolve("bai-kernel-1"));
    Files.writeString(deadHome.resolve("q1.c"), "int main(){}");
    ProcessBuilder pb = new ProcessBuilder("setsid", "sleep", "300");
    pb.environment().put(ProcessGuard.ENV, instance + "/some-session");
    Process orphan = pb.start();
    // until exec, /proc shows the spawning JVM's environment: wait for the tagged one (as a real
    // leftover of a dead server long has)
    Path environ = Path.of("/proc/" + orphan.pid() + "/environ");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!new String(Files.readAllBytes(environ)).contains(ProcessGuard.ENV + "=" + instance)
        && System.nanoTime() < until) {
      Thread.sleep(10);
    }

    List<String> cleaned = ProcessGuard.cleanLeftovers(tmp);
    assertEquals(1, cleaned.size(), cleaned.toString());
    assertTrue(
        orphan.waitFor(10, TimeUnit.SECONDS), "the dead server's session process was killed");
    assertFalse(Files.exists(deadHome.getParent()), "the dead server's home is gone");
    assertTrue(Files.isDirectory(guard.home()), "the live server's home is left alone");
  }

  @Test
  void aSessionCannotPickItsOwnTag() throws Exception {
    Kernel k =
        engine.start("sh", work, Map.of(ProcessGuard.ENV, "spoofed"), KernelLimits.defaults());
    ProcessExecutionEngineTest.Outcome o =
        ProcessExecutionEngineTest.query(k, "echo $" + ProcessGuard.ENV);
    assertTrue(o.stdout().trim().endsWith("/" + work.getFileName()), o.stdout());
    k.close();
  }
}
