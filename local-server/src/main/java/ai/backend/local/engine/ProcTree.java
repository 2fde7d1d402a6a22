package ai.backend.local.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Linux {@code /proc} helpers: the process tree of a kernel process (its session, since every kernel
 * process is started under {@code setsid}, plus ppid descendants for processes that left the
 * session), tree kills, and the "blocked reading its stdin" check used for {@code waiting-input}.
 */
final class ProcTree {
  private ProcTree() {}

  private static final Path PROC = Path.of("/proc");
  private static final Set<Integer> READ_SYSCALLS = readSyscalls();

  /** Fields of /proc/pid/stat we need. */
  record Stat(
      long pid, char state, long ppid, long session, long utime, long stime, long rssPages) {}

  private static Set<Integer> readSyscalls() {
    String arch = System.getProperty("os.arch", "");
    if (arch.equals("aarch64") || arch.equals("arm64")) {
      return Set.of(63, 65, 67); // read, readv, pread64
    }
    return Set.of(0, 19, 17); // x86_64: read, readv, pread64
  }

  static Stat stat(long pid) {
    try {
      String s = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.ISO_8859_1);
      // comm may contain spaces and parentheses: fields start after the last ')'.
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return new Stat(
          pid,
          f[0].charAt(0),
          Long.parseLong(f[1]),
          Long.parseLong(f[3]),
          Long.parseLong(f[11]),
          Long.parseLong(f[12]),
          Long.parseLong(f[21]));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Alive and not a zombie (a zombie is gone for every practical purpose). */
  static boolean alive(long pid) {
    Stat s = stat(pid);
    return s != null && s.state() != 'Z' && s.state() != 'X';
  }

  /**
   * Live (non-zombie) members of the tree rooted at {@code root}: processes in the root's session
   * (only when the root really is a session leader, so we never touch the JVM's own session) and all
   * ppid descendants of any member.
   */
  static List<Stat> members(long root) {
    return members(root, false);
  }

  /**
   * @param leader whether {@code root} was started under setsid, so that its session may be
   *     scanned even after it exited (Linux does not reuse a pid still used as a session ID)
   */
  static List<Stat> members(long root, boolean leader) {
    return members(root, leader, snapshot());
  }

  /** One scan of every process; lets the engine close many kernels with a single scan. */
  static Map<Long, Stat> snapshot() {
    Map<Long, Stat> all = new HashMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
      for (Path p : ds) {
        String n = p.getFileName().toString();
        if (n.isEmpty() || !Character.isDigit(n.charAt(0))) {
          continue;
        }
        Stat st = stat(Long.parseLong(n));
        if (st != null) {
          all.put(st.pid(), st);
        }
      }
    } catch (IOException | RuntimeException e) {
      return all;
    }
    return all;
  }

  static List<Stat> members(long root, boolean leader, Map<Long, Stat> all) {
    Stat r = all.get(root);
    // Never trust the flag while the root is alive but not (yet) a session leader: its session is
    // then the JVM's own.
    leader = r != null ? r.session() == root : leader;
    Set<Long> in = new LinkedHashSet<>();
    if (r != null) {
      in.add(root);
    }
    if (leader) {
      for (Stat st : all.values()) {
        if (st.session() == root) {
          in.add(st.pid());
        }
      }
    }
    boolean grew = !in.isEmpty();
    while (grew) {
      grew = false;
      for (Stat st : all.values()) {
        if (!in.contains(st.pid()) && in.contains(st.ppid())) {
          in.add(st.pid());
          grew = true;
        }
      }
    }
    List<Stat> out = new ArrayList<>();
    for (long pid : in) {
      Stat st = all.get(pid);
      if (st.state() != 'Z' && st.state() != 'X') {
        out.add(st);
      }
    }
    return out;
  }

  static List<Long> pids(long root) {
    return pids(root, false);
  }

  static List<Long> pids(long root, boolean leader) {
    List<Long> out = new ArrayList<>();
    for (Stat s : members(root, leader)) {
      out.add(s.pid());
    }
    return out;
  }

  /**
   * Kills the tree: SIGTERM, a short grace, SIGKILL, and waits (bounded) until every member is gone.
   * Re-scans so that processes forked meanwhile are caught too.
   */
  static void kill(long root, boolean leader, long graceMillis) {
    kill(root, leader, graceMillis, null);
  }

  /** @param snap a recent {@link #snapshot()}, or null to scan now */
  static void kill(long root, boolean leader, long graceMillis, Map<Long, Stat> snap) {
    List<Long> pids = new ArrayList<>();
    for (Stat st : members(root, leader, snap != null ? snap : snapshot())) {
      pids.add(st.pid());
    }
    if (pids.isEmpty()) {
      return;
    }
    for (long pid : pids) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
    if (!waitGone(pids, graceMillis)) {
      for (int round = 0; round < 3; round++) {
        Set<Long> now = new LinkedHashSet<>(pids);
        now.addAll(pids(root, leader));
        for (long pid : now) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (waitGone(now, 2000)) {
          break;
        }
      }
    }
  }

  static boolean waitGone(java.util.Collection<Long> pids, long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (true) {
      boolean any = false;
      for (long pid : pids) {
        if (alive(pid)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(5); // only on the kill path, never on the execute hot path
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** Sends a signal by name to a pid, or to a process group when {@code pid} is negative. */
  static void signal(String killTool, String sig, long pid) {
    if (killTool == null) {
      if (pid > 0) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
      }
      return;
    }
    try {
      Process p = new ProcessBuilder(killTool, "-" + sig, "--", Long.toString(pid))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      // best effort
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The link target of fd 0 of {@code pid}, e.g. {@code pipe:[123456]}, or null. */
  static String stdinId(long pid) {
    try {
      return Files.readSymbolicLink(PROC.resolve(pid + "/fd/0")).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Whether some thread of some member is blocked in read/readv/pread64 on fd 0, where fd 0 is the
   * pipe identified by {@code pipeId} (the kernel's stdin pipe of the run).
   */
  static boolean blockedReadingStdin(long root, String pipeId) {
    for (Stat st : members(root)) {
      long pid = st.pid();
      if (!pipeId.equals(stdinId(pid))) {
        continue;
      }
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(pid + "/task"))) {
        for (Path t : tasks) {
          String sc;
          try {
            sc = Files.readString(t.resolve("syscall"), StandardCharsets.ISO_8859_1)
                .trim();
          } catch (IOException e) {
            continue;
          }
          // "<nr> <arg0 hex> <arg1> ..." while blocked in a syscall; "running" or "-1 ..." else.
          String[] f = sc.split(" ");
          if (f.length < 2 || !Character.isDigit(f[0].charAt(0))) {
            continue;
          }
          int nr = Integer.parseInt(f[0]);
          if (READ_SYSCALLS.contains(nr) && Long.decode(f[1]) == 0L) {
            return true;
          }
        }
      } catch (IOException | RuntimeException e) {
        // process vanished meanwhile
      }
    }
    return false;
  }

  /** Sum of {@code rchar} (bytes returned by read syscalls) over the live tree members. */
  static long rchar(long root, boolean leader) {
    long sum = 0;
    for (Stat st : members(root, leader)) {
      try {
        for (String line : Files.readAllLines(PROC.resolve(st.pid() + "/io"))) {
          if (line.startsWith("rchar:")) {
            sum += Long.parseLong(line.substring(6).trim());
          }
        }
      } catch (IOException | RuntimeException e) {
        // vanished
      }
    }
    return sum;
  }

  /** Sum of utime+stime (ms) and RSS (bytes) over the live tree members. */
  static long[] usage(List<Long> roots, boolean leader) {
    long cpu = 0;
    long rss = 0;
    Set<Long> seen = new java.util.HashSet<>();
    for (long root : roots)
      for (Stat s : members(root, leader)) {
        if (!seen.add(s.pid())) {
          continue;
        }
        cpu += (s.utime() + s.stime()) * 10; // USER_HZ is 100 on Linux
        rss += s.rssPages() * 4096;
      }
    return new long[] {cpu, rss};
  }
}
