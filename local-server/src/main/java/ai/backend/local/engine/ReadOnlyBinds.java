package ai.backend.local.engine;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Read-only folder mounts for processes that are not in containers. A mount is a symbolic link in
 * the work directory to the folder's root; a read-only one additionally starts each of the
 * session's processes in a private mount namespace (util-linux {@code unshare}) in which the
 * folder's root is bind-mounted onto itself and remounted read-only. The folder stays writable for
 * everyone else (other sessions, the storage proxy); inside the session a write fails with {@code
 * EROFS}, through the link or the folder's real path alike.
 *
 * <p>As root, the namespace is a plain mount namespace. Otherwise it is a user namespace that maps
 * the user to root (needed to mount), and a second user namespace inside it maps root back to the
 * user's own id, so session code sees its real uid. Whether this machine allows either is probed
 * once, on first use, by mounting a scratch directory read-only and trying to write into it; where
 * it does not, {@link #unavailable()} says why and read-only mounts are refused rather than
 * silently mounted writable.
 */
final class ReadOnlyBinds {
  // $0 = mount(8), $1 = number of folders, then the folders, then the command
  private static final String SCRIPT = "m=$0; n=$1; shift\n"
      + "while [ \"$n\" -gt 0 ]; do\n"
      + "  \"$m\" --bind -- \"$1\" \"$1\" && \"$m\" -o remount,bind,ro -- \"$1\" || exit 125\n"
      + "  shift; n=$((n-1))\n"
      + "done\n"
      + "exec \"$@\"";
  private static final List<String> SYSTEM_DIRS = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin");

  private final String sh;
  private final String unshare;
  private final String mount;
  private final long uid;
  private final long gid;
  private final Path scratch;
  private volatile Probe probe; // null until first use

  private record Probe(List<String> namespace, String why) {}

  ReadOnlyBinds(Toolchain tools, Path scratch) {
    this.sh = tools.sh;
    this.unshare = find(tools, "unshare");
    this.mount = find(tools, "mount");
    this.uid = id("uid");
    this.gid = id("gid");
    this.scratch = scratch;
  }

  /** Why read-only mounts cannot be enforced on this machine, or empty when they can. */
  Optional<String> unavailable() {
    return Optional.ofNullable(probe().why());
  }

  /**
   * The prefix that runs a command with {@code folders} read-only (empty for no folders).
   *
   * @throws RuntimeUnavailableException folders are given and this machine cannot enforce it
   */
  List<String> prefix(Collection<Path> folders) {
    if (folders.isEmpty()) {
      return List.of();
    }
    Probe p = probe();
    if (p.why() != null) {
      throw new RuntimeUnavailableException(p.why());
    }
    return build(p.namespace(), folders);
  }

  private List<String> build(List<String> namespace, Collection<Path> folders) {
    List<String> out = new ArrayList<>(namespace);
    out.addAll(List.of(sh, "-c", SCRIPT, mount, Integer.toString(folders.size())));
    for (Path f : folders) {
      out.add(f.toAbsolutePath().toString());
    }
    if (uid != 0) {
      // back to the user's own ids for the session's code (the outer namespace maps them to root)
      out.addAll(List.of(unshare, "--map-user=" + uid, "--map-group=" + gid, "--"));
    }
    return out;
  }

  private Probe probe() {
    Probe p = probe;
    if (p == null) {
      synchronized (this) {
        p = probe;
        if (p == null) {
          p = probe = runProbe();
        }
      }
    }
    return p;
  }

  private Probe runProbe() {
    if (unshare == null || mount == null || sh == null) {
      return new Probe(
          null,
          "Read-only folder mounts need unshare and mount (Debian package util-linux), which are"
              + " not installed on the server's machine.");
    }
    List<List<String>> candidates = new ArrayList<>();
    if (uid == 0) {
      candidates.add(List.of(unshare, "--mount", "--propagation", "private", "--"));
    }
    candidates.add(
        List.of(unshare, "--user", "--map-root-user", "--mount", "--propagation", "private", "--"));
    Path dir = null;
    try {
      Files.createDirectories(scratch);
      dir = Files.createTempDirectory(scratch, "ro-probe-");
      for (List<String> ns : candidates) {
        if (enforces(ns, dir)) {
          return new Probe(ns, null);
        }
      }
    } catch (IOException e) {
      // fall through: not available
    } finally {
      if (dir != null) {
        try (var s = Files.list(dir)) {
          for (Path x : (Iterable<Path>) s::iterator) {
            Files.deleteIfExists(x);
          }
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          // best effort: the scratch directory belongs to the server's temporary home
        }
      }
    }
    return new Probe(
        null,
        "Read-only folder mounts need mount namespaces (unshare --mount, or an unprivileged user"
            + " namespace), which this machine does not allow the server; mount the folder"
            + " read-write, or run the server where namespaces are allowed.");
  }

  /** True when a write into {@code dir} fails inside the namespace and succeeds outside it. */
  private boolean enforces(List<String> namespace, Path dir) {
    // the write runs in a subshell: a failed redirection would end sh itself, with status 2
    List<String> cmd = build(namespace, List.of(dir));
    cmd.addAll(
        List.of(sh, "-c", "if (echo > \"$0/probe\") 2>/dev/null; then exit 3; fi", dir.toString()));
    try {
      Process p = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      if (p.exitValue() != 0 || Files.exists(dir.resolve("probe"))) {
        return false;
      }
      Files.writeString(dir.resolve("probe"), "outside", StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String find(Toolchain tools, String name) {
    String found = tools.find(name);
    if (found != null) {
      return found;
    }
    for (String dir : SYSTEM_DIRS) {
      File f = new File(dir, name);
      if (f.isFile() && f.canExecute()) {
        return f.getAbsolutePath();
      }
    }
    return null;
  }

  private static long id(String which) {
    try {
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:" + which)).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return -1;
    }
  }
}
