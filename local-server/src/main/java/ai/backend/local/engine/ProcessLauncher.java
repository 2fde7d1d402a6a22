package ai.backend.local.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How a kernel's processes start: in its work directory with its environment, every signal at its
 * default disposition whatever the server inherited, tagged for the {@link ProcessGuard}, in their
 * own session (so the tree can be found and signalled as a group), in a mount namespace where the
 * session's read-only folders are read-only ({@link ReadOnlyBinds}), with an optional address-space
 * limit and, for shell steps, unbuffered C stdio via stdbuf (a prompt printed with printf must reach
 * the pipe before the program blocks in scanf).
 */
final class ProcessLauncher {
  private final Toolchain tools;
  private final Path workDir;
  private final Map<String, String> env;
  private final ProcessGuard guard;
  private final String guardKey;
  private final List<String> namespace; // empty: the server's own mount namespace
  private final long addressSpaceLimit; // 0: none

  ProcessLauncher(
      Toolchain tools,
      Path workDir,
      Map<String, String> env,
      ProcessGuard guard,
      String guardKey,
      List<String> namespace,
      long addressSpaceLimit) {
    this.tools = tools;
    this.workDir = workDir;
    this.env = Map.copyOf(env);
    this.guard = guard;
    this.guardKey = guardKey;
    this.namespace = List.copyOf(namespace);
    this.addressSpaceLimit = addressSpaceLimit;
  }

  /** True when each process leads its own session: its tree is found and signalled as a group. */
  boolean groups() {
    return tools.setsid != null;
  }

  /** A builder with the kernel's work directory and exactly its environment; no command yet. */
  ProcessBuilder builder() {
    ProcessBuilder pb = new ProcessBuilder().directory(workDir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    return pb;
  }

  /** {@code cmd} behind the prefixes described on the class. */
  List<String> wrap(List<String> cmd, boolean unbuffered) {
    List<String> out = new ArrayList<>(tools.defaultSignals);
    out.addAll(guard.launchPrefix(guardKey, tools.sh));
    out.addAll(namespace);
    if (tools.setsid != null) {
      out.add(tools.setsid);
    }
    if (addressSpaceLimit > 0 && tools.prlimit != null) {
      out.add(tools.prlimit);
      out.add("--as=" + addressSpaceLimit);
    }
    if (unbuffered && tools.stdbuf != null) {
      out.add(tools.stdbuf);
      out.add("-o0");
      out.add("-e0");
    }
    out.addAll(cmd);
    return out;
  }
}
