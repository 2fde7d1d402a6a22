package ai.backend.local.stream;

import ai.backend.local.engine.HostTools;
import ai.backend.local.sessions.Session;
import ai.backend.local.sessions.SessionRegistry;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * {@code /stream/…/{id}/pty} (spec §8.1): an interactive shell on a real pseudo-terminal in the
 * session's work directory, one shell per socket. Client text frames {@code stdin}, {@code resize},
 * {@code ping}, {@code restart}; server frames {@code {"type":"out","data":<base64>}}. The socket
 * closes when the shell exits or the session or server ends; the shell's whole session is killed then.
 * While the socket is open the session counts as in use (the idle sweep skips it).
 */
public final class PtyEndpoint extends StreamEndpoint {
  static final int DEFAULT_ROWS = 24;
  static final int DEFAULT_COLS = 80;

  private final Object lock = new Object();
  private PtyProcess pty; // guarded by lock
  private int generation; // guarded by lock; callbacks of replaced shells carry an older one
  private int rows = DEFAULT_ROWS; // guarded by lock
  private int cols = DEFAULT_COLS; // guarded by lock

  public PtyEndpoint(StreamHub hub, Session session) {
    super(hub, session);
  }

  @Override
  protected void opened() {
    synchronized (lock) {
      startShell();
    }
  }

  /** Starts a shell; on failure reports it and closes the socket. Caller holds {@link #lock}. */
  private void startShell() {
    HostTools tools = hub.tools();
    String python = tools.python().orElse(null);
    String shell = tools.bash().orElse(tools.sh().orElse(null));
    if (python == null || shell == null) {
      fail("Terminals need python3 and a shell on this machine.");
      return;
    }
    // the kernels' environment (HOME is the session's /home/work), then the session's own variables
    Map<String, String> env = new HashMap<>();
    env.put("PATH", tools.kernelPath());
    env.put("LANG", "C.UTF-8");
    env.put("USER", "work");
    env.put("HOME", session.workDir().toString());
    env.putAll(session.spec().environ());
    env.put("TERM", "xterm-256color"); // what the clients emulate, whatever the session sets
    String key = session.workDir().getFileName().toString();
    env.putAll(hub.guard().env(key)); // a process started in the terminal belongs to the session
    List<String> launcher = new java.util.ArrayList<>(tools.defaultSignals());
    launcher.addAll(hub.guard().launchPrefix(key, tools.sh().orElse(null)));
    int gen = ++generation;
    try {
      // the terminal's shell sees the session's folders as its kernel does
      launcher.addAll(
          tools.readOnlyPrefix(SessionRegistry.readOnlyFolders(session.spec().mounts())));
      pty = PtyProcess.start(
          launcher,
          python,
          hub.ptyHelper(),
          List.of(shell, "-i"),
          session.workDir(),
          env,
          rows,
          cols,
          data -> output(gen, data),
          () -> exited(gen));
    } catch (IOException | RuntimeException e) {
      fail("Cannot start a terminal: " + e.getMessage());
      return;
    }
    if (isFinished()) {
      release(); // the socket went away while the shell started
    }
  }

  private void fail(String message) {
    JsonObject o = new JsonObject();
    o.addProperty("type", "error");
    o.addProperty("data", message);
    channel.sendJson(o);
    channel.close(StatusCode.SERVER_ERROR, "terminal unavailable");
  }

  private void output(int gen, byte[] data) {
    synchronized (lock) {
      if (gen != generation || pty == null) {
        return; // late output of a shell replaced by restart
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("type", "out");
    o.addProperty("data", Base64.getEncoder().encodeToString(data));
    channel.sendJson(o);
  }

  private void exited(int gen) {
    synchronized (lock) {
      if (gen != generation || pty == null) {
        return;
      }
    }
    channel.close(StatusCode.NORMAL, "shell exited");
  }

  @Override
  public void onWebSocketText(String text) {
    JsonObject msg;
    String type;
    try {
      JsonElement e = JsonParser.parseString(text);
      if (!e.isJsonObject()) {
        throw new JsonParseException("not an object");
      }
      msg = e.getAsJsonObject();
      JsonElement t = msg.get("type");
      type = t != null && t.isJsonPrimitive() ? t.getAsString() : null;
    } catch (JsonParseException | IllegalStateException e) {
      error("Malformed message: expected a JSON object with a \"type\".");
      return;
    }
    if (type == null) {
      error("Malformed message: missing \"type\".");
      return;
    }
    switch (type) {
      case "stdin" -> stdin(msg);
      case "resize" -> resize(msg);
      case "ping" -> hub.registry().touch(session);
      case "restart" -> restart();
      default -> error("Unknown message type: " + type);
    }
  }

  private void stdin(JsonObject msg) {
    byte[] data;
    try {
      data = Base64.getDecoder().decode(msg.get("chars").getAsString());
    } catch (RuntimeException e) {
      error("Malformed stdin message: \"chars\" must be base64.");
      return;
    }
    hub.registry().touch(session);
    PtyProcess p;
    synchronized (lock) {
      p = pty;
    }
    if (p != null) {
      p.write(data);
    }
  }

  private void resize(JsonObject msg) {
    int r;
    int c;
    try {
      r = msg.get("rows").getAsInt();
      c = msg.get("cols").getAsInt();
    } catch (RuntimeException e) {
      error("Malformed resize message: \"rows\" and \"cols\" must be numbers.");
      return;
    }
    if (r < 1 || c < 1 || r > 65535 || c > 65535) {
      error("Malformed resize message: rows and cols must be between 1 and 65535.");
      return;
    }
    hub.registry().touch(session);
    synchronized (lock) {
      rows = r;
      cols = c;
      if (pty != null) {
        pty.resize(r, c);
      }
    }
  }

  /** Kills the shell's process tree and starts a fresh shell (same size) on this socket. */
  private void restart() {
    hub.registry().touch(session);
    synchronized (lock) {
      if (!channel.isOpen()) {
        return;
      }
      PtyProcess old = pty;
      pty = null;
      generation++; // the old shell's late output and exit are ignored from now on
      if (old != null) {
        old.close();
      }
      startShell();
    }
  }

  private void error(String message) {
    JsonObject o = new JsonObject();
    o.addProperty("type", "error");
    o.addProperty("data", message);
    channel.sendJson(o);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed(); // the protocol only defines text frames from the client
  }

  @Override
  protected void release() {
    PtyProcess p;
    synchronized (lock) {
      p = pty;
      pty = null;
      generation++;
    }
    if (p != null) {
      p.close();
    }
  }
}
