package ai.backend.local.engine;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Keeps track of every process and temporary file one server instance creates, so that none outlives
 * its session or the server, even code that detaches on purpose ({@code setsid -f}, a double fork with
 * {@code os.setsid()}), and so that what a killed server left behind is removed by the next start.
 *
 * <ul>
 *   <li>Every process gets {@value #ENV} = {@code <instance>/<session key>} in its environment; it is
 *       inherited through forks, {@code setsid} and re-parenting. Killing a session scans {@code
 *       /proc/<pid>/environ} for its tag.
 *   <li>Where this process may create cgroups (a writable cgroup v2 hierarchy, typically as root),
 *       every process also starts in a cgroup of its session, which even a process that clears its
 *       environment cannot leave; killing a session kills the cgroup's members.
 *   <li>All temporary directories live under one home, {@code <tmp>/bai-server-<pid>-<start>-<nonce>};
 *       {@link #cleanLeftovers} (run at start) kills the processes of homes whose server is gone and
 *       deletes the homes.
 * </ul>
 */
public final class ProcessGuard implements AutoCloseable {
  /** The environment variable carrying the tag. */
  public static final String ENV = "BACKENDAI_LOCAL_OWNER";

  private static final Logger LOG = System.getLogger("ai.backend.local.guard");
  private static final String HOME_PREFIX = "bai-server-";
  private static final Path PROC = Path.of("/proc");
  private static final int KILL_ROUNDS = 50;

  private final String instance;
  private final Path home;
  private final Path cgroupBase; // null: no cgroup tracking
  private volatile boolean closed;

  private ProcessGuard(String instance, Path home, Path cgroupBase) {
    this.instance = instance;
    this.home = home;
    this.cgroupBase = cgroupBase;
  }

  /** A guard whose home is created under {@code tmpRoot}. */
  public static ProcessGuard open(Path tmpRoot) {
    long pid = ProcessHandle.current().pid();
    byte[] nonce = new byte[6];
    new SecureRandom().nextBytes(nonce);
    String instance = pid + "-" + startTime(pid) + "-" + HexFormat.of().formatHex(nonce);
    try {
      Path home = Files.createDirectories(tmpRoot.resolve(HOME_PREFIX + instance));
      return new ProcessGuard(instance, home, Cgroups.create("bai-server-" + instance));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot create the server's temporary directory", e);
    }
  }

  /** A guard under {@code java.io.tmpdir}. */
  public static ProcessGuard open() {
    return open(Path.of(System.getProperty("java.io.tmpdir")));
  }

  /** Where this server keeps its temporary files; deleted by {@link #close()}. */
  public Path home() {
    return home;
  }

  /** Whether processes are also tracked by cgroup (not only by their environment). */
  public boolean cgroups() {
    return cgroupBase != null;
  }

  /** The variables that tag a process as belonging to {@code key} (a session) of this server. */
  public Map<String, String> env(String key) {
    return Map.of(ENV, instance + "/" + key);
  }

  /**
   * The command prefix that starts a process in the cgroup of {@code key} (empty without cgroups):
   * {@code sh -c 'echo $$ > …/cgroup.procs; exec "$@"'}, so the process is inside before it runs
   * anything and all it forks is born there.
   */
  public List<String> launchPrefix(String key, String sh) {
    if (cgroupBase == null || sh == null) {
      return List.of();
    }
    Path group = cgroupBase.resolve(safe(key));
    try {
      Files.createDirectories(group);
    } catch (IOException e) {
      return List.of();
    }
    return List.of(
        sh,
        "-c",
        "echo $$ > \"$0\" 2>/dev/null; exec \"$@\"",
        group.resolve("cgroup.procs").toString());
  }

  /** Kills every process of {@code key}, also detached ones; returns how many were found. */
  public int kill(String key) {
    int n = killTagged(instance + "/" + key, false);
    if (cgroupBase != null) {
      n += Cgroups.killAndRemove(cgroupBase.resolve(safe(key)));
    }
    return n;
  }

  /**
   * Kills every process of this server instance (one scan for all sessions, where closing each
   * session's kernel would scan once per session); returns how many were found.
   */
  public int killAll() {
    int n = killTagged(instance + "/", true);
    if (cgroupBase != null) {
      n += Cgroups.kill(cgroupBase);
    }
    return n;
  }

  /** Kills every process of this server instance and deletes its home. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    int n = killTagged(instance + "/", true);
    if (cgroupBase != null) {
      n += Cgroups.killAndRemove(cgroupBase);
    }
    if (n > 0) {
      LOG.log(Level.INFO, "killed {0} leftover session process(es) at shutdown", n);
    }
    deleteTree(home);
  }

  /**
   * Cleans up after server instances that ended without closing (SIGKILL, power loss): for every home
   * under {@code tmpRoot} whose server process is gone, kills the processes it tagged and removes its
   * cgroups and its files.
   *
   * @return one line per home cleaned
   */
  public static List<String> cleanLeftovers(Path tmpRoot) {
    List<String> cleaned = new ArrayList<>();
    try (DirectoryStream<Path> homes = Files.newDirectoryStream(tmpRoot, HOME_PREFIX + "*")) {
      for (Path home : homes) {
        String instance = home.getFileName().toString().substring(HOME_PREFIX.length());
        String[] parts = instance.split("-");
        if (parts.length != 3 || ownerAlive(parts[0], parts[1])) {
          continue;
        }
        int n = killTagged(instance + "/", true);
        Optional<Path> cg = Cgroups.existing("bai-server-" + instance);
        if (cg.isPresent()) {
          n += Cgroups.killAndRemove(cg.get());
        }
        deleteTree(home);
        cleaned.add(
            "removed " + home + " and killed " + n + " process(es) of a server that is gone");
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.DEBUG, "leftover scan of {0} failed: {1}", tmpRoot, e.toString());
    }
    return cleaned;
  }

  private static boolean ownerAlive(String pid, String start) {
    try {
      long p = Long.parseLong(pid);
      return start.equals(Long.toString(startTime(p)));
    } catch (NumberFormatException e) {
      return true; // not one of ours: leave it alone
    }
  }

  /** Start time of a process in clock ticks since boot ({@code /proc/pid/stat} field 22), or -1. */
  static long startTime(long pid) {
    try {
      String s = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.ISO_8859_1);
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[19]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * SIGKILLs every process whose tag equals (or, with {@code prefix}, starts with) {@code tag}, in
   * rounds until a scan finds none: a process may fork between the scan and the kill.
   */
  private static int killTagged(String tag, boolean prefix) {
    long self = ProcessHandle.current().pid();
    int killed = 0;
    for (int round = 0; round < KILL_ROUNDS; round++) {
      List<Long> found = tagged(tag, prefix, self);
      if (found.isEmpty()) {
        return killed;
      }
      for (long pid : found) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      killed += found.size();
      sleep(round < 5 ? 5 : 20);
    }
    LOG.log(
        Level.WARNING,
        "processes tagged {0} kept appearing after {1} kill rounds",
        tag,
        KILL_ROUNDS);
    return killed;
  }

  private static List<Long> tagged(String tag, boolean prefix, long self) {
    byte[] key = (ENV + "=").getBytes(StandardCharsets.US_ASCII);
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC)) {
      for (Path p : procs) {
        String name = p.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(name);
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == self) {
          continue;
        }
        String value = envValue(p.resolve("environ"), key);
        if (value != null && (prefix ? value.startsWith(tag) : value.equals(tag))) {
          out.add(pid);
        }
      }
    } catch (IOException e) {
      // no /proc: nothing to find
    }
    return out;
  }

  /** The value of the variable {@code key} (given as {@code NAME=}) in an environ file, or null. */
  private static String envValue(Path environ, byte[] key) {
    byte[] env;
    try {
      env = Files.readAllBytes(environ); // zombies and other users' processes: empty or unreadable
    } catch (IOException | RuntimeException e) {
      return null;
    }
    int start = 0;
    while (start < env.length) {
      int end = start;
      while (end < env.length && env[end] != 0) {
        end++;
      }
      if (end - start >= key.length
          && java.util.Arrays.equals(env, start, start + key.length, key, 0, key.length)) {
        return new String(
            env, start + key.length, end - start - key.length, StandardCharsets.UTF_8);
      }
      start = end + 1;
    }
    return null;
  }

  private static String safe(String key) {
    return key.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: a file a killed process still had open is gone with its directory later
        }
      });
    } catch (IOException | RuntimeException e) {
      // best effort
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ProcessGuard[" + home + (cgroupBase != null ? ", cgroup " + cgroupBase : "") + "]";
  }

  /** cgroup v2 helpers: where this process may create child cgroups. */
  static final class Cgroups {
    private Cgroups() {}

    /** Our own cgroup v2 directory, if the unified hierarchy is mounted. */
    static Optional<Path> own() {
      try {
        String mount = null;
        for (String line : Files.readAllLines(PROC.resolve("self/mountinfo"))) {
          int dash = line.indexOf(" - ");
          if (dash > 0 && line.substring(dash + 3).startsWith("cgroup2 ")) {
            mount = line.split(" ")[4];
            break;
          }
        }
        if (mount == null) {
          return Optional.empty();
        }
        for (String line : Files.readAllLines(PROC.resolve("self/cgroup"))) {
          if (line.startsWith("0::")) {
            String rel = line.substring(3);
            return Optional.of(Path.of(mount, rel.startsWith("/") ? rel.substring(1) : rel));
          }
        }
      } catch (IOException | RuntimeException e) {
        // no cgroup v2
      }
      return Optional.empty();
    }

    /** Creates {@code name} under our cgroup and checks a process can be moved into it; else null. */
    static Path create(String name) {
      Optional<Path> own = own();
      if (own.isEmpty()) {
        return null;
      }
      Path base = own.get().resolve(name);
      try {
        Files.createDirectory(base);
      } catch (IOException | RuntimeException e) {
        return null; // not permitted (not root, not delegated): environment tags only
      }
      Path probe = base.resolve("probe");
      try {
        Files.createDirectory(probe);
        Process p = new ProcessBuilder(
                "/bin/sh",
                "-c",
                "echo $$ > \"$0\"",
                probe.resolve("cgroup.procs").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        boolean ok = p.waitFor() == 0;
        killAndRemove(probe);
        if (ok) {
          return base;
        }
      } catch (IOException | RuntimeException e) {
        // fall through
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      killAndRemove(base);
      return null;
    }

    static Optional<Path> existing(String name) {
      return own().map(o -> o.resolve(name)).filter(Files::isDirectory);
    }

    /** Kills every member of {@code group} and its descendants, then removes the cgroups. */
    static int killAndRemove(Path group) {
      int killed = kill(group);
      List<Path> groups = subgroups(group);
      groups.sort(Comparator.comparingInt(Path::getNameCount).reversed());
      for (Path g : groups) {
        for (int i = 0; i < 50; i++) {
          try {
            Files.deleteIfExists(g); // rmdir: fails while a dying member is still listed
            break;
          } catch (IOException e) {
            sleep(10);
          }
        }
      }
      return killed;
    }

    private static List<Path> subgroups(Path group) {
      List<Path> groups = new ArrayList<>();
      if (!Files.isDirectory(group)) {
        return groups;
      }
      try (Stream<Path> walk = Files.walk(group)) {
        walk.filter(Files::isDirectory).forEach(groups::add);
      } catch (IOException | RuntimeException e) {
        // removed meanwhile
      }
      return groups;
    }

    /** Kills every member of {@code group} and its descendants, in rounds until none is left. */
    static int kill(Path group) {
      if (!Files.isDirectory(group)) {
        return 0;
      }
      int killed = 0;
      List<Path> groups = subgroups(group);
      for (int round = 0; round < KILL_ROUNDS; round++) {
        List<Long> members = new ArrayList<>();
        for (Path g : groups) {
          try {
            for (String line : Files.readAllLines(g.resolve("cgroup.procs"))) {
              if (!line.isBlank()) {
                members.add(Long.parseLong(line.trim()));
              }
            }
          } catch (IOException | RuntimeException e) {
            // removed meanwhile
          }
        }
        if (members.isEmpty()) {
          break;
        }
        for (long pid : members) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        killed += members.size();
        sleep(round < 5 ? 5 : 20);
      }
      return killed;
    }
  }
}
