package ai.backend.local.stream;

import ai.backend.local.engine.ProcessTrees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One command on a real pseudo-terminal, run through {@code pty_helper.py}: the helper opens the pty,
 * starts the command as a session leader with the pty as its controlling terminal, copies terminal
 * output to its stdout and applies framed keystrokes and window sizes from its stdin. Closing kills
 * the command's whole session (background jobs included) and the helper.
 */
final class PtyProcess implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 15_000;

  private final Process helper;
  private final long shellPid;
  private final OutputStream stdin;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PtyProcess(Process helper, long shellPid) {
    this.helper = helper;
    this.shellPid = shellPid;
    this.stdin = helper.getOutputStream();
  }

  /**
   * Starts {@code command} on a new terminal of {@code rows} x {@code cols}.
   *
   * @param launcher the prefix that resets signal dispositions ({@link
   *     ai.backend.local.engine.HostTools#defaultSignals()})
   * @param output receives terminal output chunks (raw bytes) on a dedicated thread
   * @param onExit runs once when the command ended by itself (not after {@link #close})
   */
  static PtyProcess start(
      List<String> launcher,
      String python,
      Path helperScript,
      List<String> command,
      Path dir,
      Map<String, String> env,
      int rows,
      int cols,
      Consumer<byte[]> output,
      Runnable onExit)
      throws IOException {
    List<String> cmd = new ArrayList<>(launcher);
    cmd.addAll(List.of(python, "-I", helperScript.toString()));
    cmd.add(Integer.toString(clamp(rows)));
    cmd.add(Integer.toString(clamp(cols)));
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<Long> pid = new CompletableFuture<>();
    StringBuilder errors = new StringBuilder();
    daemon("pty-err-" + p.pid(), () -> readErrors(p.getErrorStream(), pid, errors));
    long shell;
    try {
      shell = pid.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      p.destroyForcibly();
      String why;
      synchronized (errors) {
        why = errors.toString().trim();
      }
      throw new IOException(
          "the terminal helper did not start" + (why.isEmpty() ? "" : ": " + why));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while starting a terminal");
    }
    PtyProcess pty = new PtyProcess(p, shell);
    daemon("pty-out-" + shell, () -> pty.pump(output, onExit));
    return pty;
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }

  private static void readErrors(
      InputStream err, CompletableFuture<Long> pid, StringBuilder errors) {
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(err, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (!pid.isDone() && line.startsWith("pid ")) {
          pid.complete(Long.parseLong(line.substring(4).trim()));
        } else {
          synchronized (errors) {
            if (errors.length() < 4096) {
              errors.append(line).append('\n');
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // helper gone
    }
    pid.completeExceptionally(new IOException("no pid line"));
  }

  private void pump(Consumer<byte[]> output, Runnable onExit) {
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = helper.getInputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        output.accept(Arrays.copyOf(buf, n));
      }
    } catch (IOException | RuntimeException e) {
      // helper gone or output consumer failed: treat as the end of the terminal
    }
    try {
      helper.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!closed.get()) {
      onExit.run();
    }
  }

  /** PID of the command (the terminal's session leader). */
  long pid() {
    return shellPid;
  }

  /** Sends bytes to the terminal as if typed. */
  void write(byte[] data) {
    frame('d', data);
  }

  /** Sets the window size; the terminal's foreground job gets SIGWINCH. */
  void resize(int rows, int cols) {
    frame(
        'r',
        ByteBuffer.allocate(4)
            .putShort((short) clamp(rows))
            .putShort((short) clamp(cols))
            .array());
  }

  private static int clamp(int v) {
    return Math.max(1, Math.min(v, 65535));
  }

  private void frame(char kind, byte[] payload) {
    if (closed.get()) {
      return;
    }
    byte[] head = ByteBuffer.allocate(5).put((byte) kind).putInt(payload.length).array();
    synchronized (stdin) {
      try {
        stdin.write(head);
        stdin.write(payload);
        stdin.flush();
      } catch (IOException e) {
        // the helper is gone; its exit is reported by the output pump
      }
    }
  }

  /** Hangs the terminal up and kills the command's session and the helper; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      stdin.close(); // the helper sends SIGHUP to the terminal's process group and exits
    } catch (IOException e) {
      // already gone
    }
    ProcessTrees.kill(shellPid, true, 100);
    helper.destroy();
    try {
      if (!helper.waitFor(2, TimeUnit.SECONDS)) {
        helper.destroyForcibly();
        helper.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      helper.destroyForcibly();
    }
  }
}
