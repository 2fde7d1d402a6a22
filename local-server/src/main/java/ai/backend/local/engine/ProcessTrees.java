package ai.backend.local.engine;

import java.util.List;

/**
 * Public entry to the {@code /proc}-based process-tree helpers, for other parts of the server that
 * start processes of their own (terminals, app services) and must leave nothing behind.
 */
public final class ProcessTrees {
  private ProcessTrees() {}

  /**
   * Kills the tree of {@code root}: SIGTERM, {@code graceMillis}, then SIGKILL, and waits (bounded)
   * until every member is gone.
   *
   * @param sessionLeader whether {@code root} was made a session leader ({@code setsid}); its whole
   *     session is then killed too, even processes that left the ppid tree, and even after the root
   *     itself exited
   */
  public static void kill(long root, boolean sessionLeader, long graceMillis) {
    ProcTree.kill(root, sessionLeader, graceMillis);
  }

  /** Live (non-zombie) pids of the tree of {@code root} (see {@link #kill}). */
  public static List<Long> pids(long root, boolean sessionLeader) {
    return ProcTree.pids(root, sessionLeader);
  }

  /** Whether {@code pid} exists and is not a zombie. */
  public static boolean alive(long pid) {
    return ProcTree.alive(pid);
  }
}
