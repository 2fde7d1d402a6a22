package ai.backend.local.stream;

import ai.backend.local.engine.HostTools;
import ai.backend.local.engine.ProcessGuard;
import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionEvent;
import ai.backend.local.sessions.SessionRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Owns every open stream socket and app service, grouped by session: ends them when their session
 * terminates (before its work directory is deleted) and when the server stops. Also holds what the
 * streams share: the frame setting, the host's tools and the terminal helper script.
 */
public final class StreamHub implements AutoCloseable {
  private final SessionRegistry registry;
  private final boolean binaryFrames;
  private final String searchPath;
  private final Map<UUID, Set<StreamHandle>> open = new HashMap<>();
  private final Map<UUID, AppServices> services = new HashMap<>();
  private final AutoCloseable subscription;
  private HostTools tools;
  private final ProcessGuard guard;
  private Path scratch;
  private Path ptyHelper;
  private boolean closed;

  /**
   * @param binaryFrames send the JSON messages of terminal and execute sockets as binary frames
   *     (manager 25.6+) instead of text frames
   * @param searchPath where to look for {@code python3} and shells ({@code PATH} syntax)
   */
  public StreamHub(
      SessionRegistry registry, boolean binaryFrames, String searchPath, ProcessGuard guard) {
    this.registry = registry;
    this.guard = guard;
    this.binaryFrames = binaryFrames;
    this.searchPath = searchPath == null ? "" : searchPath;
    this.subscription = registry.subscribe(this::onEvent);
  }

  /** Tags and cgroup of a session's processes: terminals and apps belong to it like its kernel's. */
  ProcessGuard guard() {
    return guard;
  }

  SessionRegistry registry() {
    return registry;
  }

  boolean binaryFrames() {
    return binaryFrames;
  }

  /** The host's tools, looked up on first use (a pyenv shim costs a process start). */
  synchronized HostTools tools() {
    if (tools == null) {
      tools = HostTools.find(searchPath);
    }
    return tools;
  }

  /** The terminal helper script, extracted on first use; deleted on close. */
  synchronized Path ptyHelper() throws IOException {
    if (closed) {
      throw new IllegalStateException("server is shutting down");
    }
    if (ptyHelper == null) {
      scratch = Files.createTempDirectory(guard.home(), "bai-stream-");
      Path p = scratch.resolve("pty_helper.py");
      try (InputStream in = StreamHub.class.getResourceAsStream("pty_helper.py")) {
        if (in == null) {
          throw new IllegalStateException("pty_helper.py resource missing");
        }
        Files.copy(in, p);
      }
      ptyHelper = p;
    }
    return ptyHelper;
  }

  /** Whether terminals can be opened here (they need {@code python3} for the pty helper). */
  public boolean ptyAvailable() {
    return tools().python().isPresent()
        && (tools().bash().isPresent() || tools().sh().isPresent());
  }

  /** The app services every session offers here ({@code GET …/apps}). */
  public List<AppServices.App> apps() {
    return AppServices.catalogue(tools());
  }

  /** The app service named {@code name}, if offered. */
  public java.util.Optional<AppServices.App> app(String name) {
    return apps().stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /**
   * The app services of {@code s}, created (empty) on first use.
   *
   * @throws IllegalStateException the session ended or the server is stopping
   */
  public AppServices services(Session s) {
    HostTools t = tools();
    synchronized (this) {
      if (closed || !s.status().isLive()) {
        throw new IllegalStateException("session terminated");
      }
      return services.computeIfAbsent(s.id(), id -> {
        Map<String, String> env = new java.util.HashMap<>(s.spec().environ());
        env.putAll(guard.env(s.workDir().getFileName().toString()));
        return new AppServices(t, s.workDir(), env);
      });
    }
  }

  /**
   * Adds an open socket of {@code s}. False when the session already ended or the server is
   * stopping: the caller then ends the socket itself.
   */
  boolean register(Session s, StreamHandle h) {
    synchronized (this) {
      // the status check runs after the terminating event when we lost that race
      if (!closed && s.status().isLive()) {
        open.computeIfAbsent(s.id(), k -> new LinkedHashSet<>()).add(h);
        return true;
      }
    }
    return false;
  }

  synchronized void unregister(Session s, StreamHandle h) {
    Set<StreamHandle> set = open.get(s.id());
    if (set != null) {
      set.remove(h);
      if (set.isEmpty()) {
        open.remove(s.id());
      }
    }
  }

  /** Number of open stream sockets (for tests and diagnostics). */
  public synchronized int openCount() {
    return open.values().stream().mapToInt(Set::size).sum();
  }

  private void onEvent(SessionEvent e) {
    if (!e.name().equals("session_terminating")) {
      return;
    }
    UUID id = UUID.fromString(e.sessionId());
    List<StreamHandle> handles;
    AppServices apps;
    synchronized (this) {
      Set<StreamHandle> set = open.remove(id);
      handles = set == null ? List.of() : new ArrayList<>(set);
      apps = services.remove(id);
    }
    // Synchronous on purpose: the registry deletes the work directory right after this event, and
    // a destroy call should return with the session's terminals and services gone.
    end(handles, StreamHandle.Reason.SESSION_ENDED);
    if (apps != null) {
      apps.close();
    }
  }

  private static void end(List<StreamHandle> handles, StreamHandle.Reason reason) {
    for (StreamHandle h : handles) {
      try {
        h.end(reason);
      } catch (RuntimeException ex) {
        // one broken stream must not keep the others (and their processes) alive
      }
    }
  }

  /** Ends every stream (execute sockets get {@code server-restarting}) and stops every service. */
  @Override
  public void close() {
    List<StreamHandle> handles = new ArrayList<>();
    List<AppServices> apps;
    Path dir;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open.values().forEach(handles::addAll);
      open.clear();
      apps = new ArrayList<>(services.values());
      services.clear();
      dir = scratch;
    }
    try {
      subscription.close();
    } catch (Exception e) {
      // unsubscribing cannot fail meaningfully
    }
    end(handles, StreamHandle.Reason.SERVER_STOPPING);
    apps.forEach(AppServices::close);
    if (dir != null) {
      try {
        Files.deleteIfExists(dir.resolve("pty_helper.py"));
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // temp files: best effort
      }
    }
  }
}
