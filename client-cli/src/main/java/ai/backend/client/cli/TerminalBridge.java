package ai.backend.client.cli;

import ai.backend.client.Kernel;
import ai.backend.client.Terminal;
import ai.backend.client.TerminalListener;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Connects the local terminal to a session's PTY (spec §8.1): the local terminal goes to raw mode
 * (so Ctrl-C, Ctrl-Z and arrow keys reach the remote program), window-size changes are forwarded,
 * and {@link #DETACH_KEY} (Ctrl-]) closes the connection. The terminal is always restored, also on
 * errors, through a {@code finally} and a shutdown hook (for a kill while connected).
 */
public final class TerminalBridge {
  /** Ctrl-] (0x1d), as in telnet: closes the terminal connection from the local side. */
  public static final int DETACH_KEY = 0x1d;

  /** What the bridge should do with the remote terminal. */
  public record Mode(boolean forwardInput, byte[] initialInput, ExitMarker marker) {
    public static Mode interactive() {
      return new Mode(true, null, null);
    }
  }

  /** How the session ended. */
  public enum End {
    REMOTE_CLOSED,
    DETACHED,
    FAILED
  }

  /** The result: how it ended, and the remote command's exit code when an {@link ExitMarker} caught it. */
  public record Outcome(End end, Integer exitCode, String message) {}

  private final Term term;
  private final OutputStream stdout = new FileOutputStream(FileDescriptor.out);

  public TerminalBridge(Term term) {
    this.term = term;
  }

  /** Opens the PTY of {@code kernel} and relays until it closes or the user detaches. */
  public Outcome run(Kernel kernel, Mode mode) {
    boolean tty = isTerminal();
    String saved = tty && mode.forwardInput() ? stty("-g") : null;
    Thread restoreHook = null;
    if (saved != null) {
      String settings = saved.trim();
      restoreHook = new Thread(() -> stty(settings), "backendai-tty-restore");
      Runtime.getRuntime().addShutdownHook(restoreHook);
    }
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Outcome> outcome = new AtomicReference<>();
    ExitMarker marker = mode.marker();
    TerminalListener listener = new TerminalListener() {
      @Override
      public void onOutput(byte[] data) {
        byte[] shown = marker == null ? data : marker.filter(data);
        write(shown);
        if (marker != null && marker.exitCode() != null) {
          outcome.compareAndSet(null, new Outcome(End.REMOTE_CLOSED, marker.exitCode(), null));
          done.countDown();
        }
      }

      @Override
      public void onError(String message) {
        term.clearWait();
        write(("\r\n[terminal error: " + message + "]\r\n").getBytes(StandardCharsets.UTF_8));
      }

      @Override
      public void onClosed(int code, String reason) {
        outcome.compareAndSet(
            null,
            new Outcome(
                End.REMOTE_CLOSED,
                marker == null ? null : marker.exitCode(),
                reason == null || reason.isBlank() ? null : reason));
        done.countDown();
      }

      @Override
      public void onFailure(Throwable error) {
        outcome.compareAndSet(null, new Outcome(End.FAILED, null, error.getMessage()));
        done.countDown();
      }
    };
    ScheduledExecutorService pinger = null;
    Object previousWinch = null;
    Object previousInt = null;
    Terminal remote = null;
    try {
      remote = kernel.streamPty(listener);
      Terminal t = remote;
      int[] size = tty ? windowSize() : null;
      if (size != null) {
        t.resize(size[0], size[1]);
      }
      if (saved != null) {
        stty("raw", "-echo");
      }
      if (mode.initialInput() != null) {
        t.write(mode.initialInput());
      }
      if (tty) {
        previousWinch = onSignal("WINCH", () -> {
          int[] s = windowSize();
          if (s != null) {
            t.resize(s[0], s[1]);
          }
        });
      }
      // not in raw mode (stdin is not a terminal): a local Ctrl-C goes to the remote program
      previousInt = onSignal("INT", () -> t.write(new byte[] {3}));
      // keeps the session from idling out while the user reads
      pinger = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread th = new Thread(r, "backendai-tty-ping");
        th.setDaemon(true);
        return th;
      });
      pinger.scheduleAtFixedRate(t::ping, 30, 30, TimeUnit.SECONDS);
      if (mode.forwardInput()) {
        Thread pump = new Thread(() -> pumpInput(t, outcome, done), "backendai-tty-input");
        pump.setDaemon(
            true); // a blocked read of stdin cannot be interrupted; the process exits anyway
        pump.start();
      }
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome.compareAndSet(null, new Outcome(End.DETACHED, null, null));
    } finally {
      if (pinger != null) {
        pinger.shutdownNow();
      }
      restoreSignal("WINCH", previousWinch);
      restoreSignal("INT", previousInt);
      if (remote != null) {
        remote.close();
      }
      if (saved != null) {
        stty(saved.trim());
        try {
          Runtime.getRuntime().removeShutdownHook(restoreHook);
        } catch (IllegalStateException ignored) {
          // already shutting down: the hook restores the terminal
        }
      }
    }
    return outcome.get();
  }

  private void pumpInput(Terminal t, AtomicReference<Outcome> outcome, CountDownLatch done) {
    InputStream in = new FileInputStream(FileDescriptor.in);
    byte[] buf = new byte[4096];
    try {
      while (t.isOpen()) {
        int n = in.read(buf);
        if (n < 0) {
          // end of local input: close the remote terminal's input side as a terminal would (Ctrl-D)
          t.write(new byte[] {4});
          return;
        }
        int detach = indexOf(buf, n, DETACH_KEY);
        if (detach >= 0) {
          if (detach > 0) {
            t.write(Arrays.copyOf(buf, detach)).get(5, TimeUnit.SECONDS);
          }
          outcome.compareAndSet(null, new Outcome(End.DETACHED, null, null));
          done.countDown();
          return;
        }
        // wait for the frame to be sent: a slow link slows typing down instead of queueing keys
        t.write(Arrays.copyOf(buf, n)).get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      if (t.isOpen()) {
        outcome.compareAndSet(
            null, new Outcome(End.FAILED, null, "terminal input failed: " + e.getMessage()));
        done.countDown();
      }
    }
  }

  private static int indexOf(byte[] b, int n, int value) {
    for (int i = 0; i < n; i++) {
      if ((b[i] & 0xff) == value) {
        return i;
      }
    }
    return -1;
  }

  private synchronized void write(byte[] data) {
    if (data.length == 0) {
      return;
    }
    try {
      stdout.write(data);
      stdout.flush();
    } catch (IOException ignored) {
      // the local terminal went away; the connection ends with the process
    }
  }

  /** Whether stdin and stdout are a terminal (raw mode and window size make sense). */
  public static boolean isTerminal() {
    return System.console() != null && new File("/dev/tty").exists() && stty("-g") != null;
  }

  /** {@code [rows, cols]} of the controlling terminal, or null. */
  static int[] windowSize() {
    String s = stty("size");
    if (s == null) {
      return null;
    }
    String[] p = s.trim().split("\\s+");
    try {
      int rows = Integer.parseInt(p[0]);
      int cols = Integer.parseInt(p[1]);
      return rows > 0 && cols > 0 ? new int[] {rows, cols} : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Runs {@code stty ARGS} on the controlling terminal; its output, or null when it failed. */
  static String stty(String... args) {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "stty";
    System.arraycopy(args, 0, cmd, 1, args.length);
    try {
      Process p = new ProcessBuilder(cmd)
          .redirectInput(new File("/dev/tty"))
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      byte[] out = p.getInputStream().readAllBytes();
      return p.waitFor() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static Object onSignal(String name, Runnable action) {
    try {
      return sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> action.run());
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return null;
    }
  }

  private static void restoreSignal(String name, Object previous) {
    if (previous instanceof sun.misc.SignalHandler h) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), h);
      } catch (IllegalArgumentException | UnsupportedOperationException ignored) {
        // nothing to restore
      }
    }
  }
}
