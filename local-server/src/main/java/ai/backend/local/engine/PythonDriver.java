package ai.backend.local.engine;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One persistent python3 process running {@code python_driver.py}. A single reader thread blocks on
 * the protocol pipe and hands frames to the active {@link Run} (no polling: a trivial snippet costs
 * one pipe round trip), a second one copies the interpreter's raw stderr/fd-1 output.
 */
final class PythonDriver implements AutoCloseable {
  /** Callbacks into the owning kernel. */
  interface Owner {
    void finished(Run run, ExecStatus status, Integer exitCode);

    void log(String text);

    void event(String message);

    void exited(PythonDriver driver, Run run, int exitCode);
  }

  private final Process process;
  final long pid;
  private final boolean leader;
  private final OutputStream stdin;
  private final Owner owner;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile Run run;
  private volatile CompletableFuture<List<String>> completion;
  private volatile boolean closing;

  PythonDriver(
      List<String> command,
      ProcessBuilder template,
      boolean leader,
      Owner owner,
      EngineThreads threads)
      throws IOException {
    this.owner = owner;
    this.leader = leader;
    ProcessBuilder pb = new ProcessBuilder(command).directory(template.directory());
    pb.environment().clear();
    pb.environment().putAll(template.environment());
    process = pb.start();
    pid = process.pid();
    stdin = process.getOutputStream();
    threads.start("py-proto-" + pid, this::readProtocol);
    threads.start("py-err-" + pid, new StreamPump(process.getErrorStream(), text -> {
      Run r = run;
      // raw fd 1/2 writes (os.system, subprocesses): most of it is program output
      if (r == null || !r.append("stdout", text)) {
        owner.log(text);
      }
    }));
  }

  /** Waits for the driver's ready frame. */
  boolean awaitReady(long millis) throws InterruptedException {
    return ready.await(millis, TimeUnit.MILLISECONDS) && process.isAlive();
  }

  boolean isAlive() {
    return process.isAlive() && !closing;
  }

  void exec(Run r, String code) throws IOException {
    run = r;
    send('x', code);
  }

  void input(String text) throws IOException {
    send('i', text);
  }

  List<String> complete(String text, long millis) {
    CompletableFuture<List<String>> f = new CompletableFuture<>();
    completion = f;
    try {
      send('c', text);
      return f.get(millis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return List.of();
    } finally {
      completion = null;
    }
  }

  private void send(char kind, String payload) throws IOException {
    byte[] b = payload.getBytes(StandardCharsets.UTF_8);
    byte[] head = (kind + Integer.toString(b.length) + "\n").getBytes(StandardCharsets.US_ASCII);
    synchronized (stdin) {
      stdin.write(head);
      stdin.write(b);
      stdin.flush();
    }
  }

  private void readProtocol() {
    InputStream in = new BufferedInputStream(process.getInputStream(), 65536);
    try {
      while (true) {
        int kind = in.read();
        if (kind < 0) {
          break;
        }
        int len = 0;
        int c;
        while ((c = in.read()) != '\n') {
          if (c < '0' || c > '9') {
            throw new IOException("bad frame from python driver");
          }
          len = len * 10 + (c - '0');
        }
        byte[] data = in.readNBytes(len);
        if (data.length < len) {
          break;
        }
        dispatch((char) kind, new String(data, StandardCharsets.UTF_8));
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        owner.event("python driver protocol error: " + e);
      }
    }
    int code;
    try {
      process.waitFor(2, TimeUnit.SECONDS);
      code = process.isAlive() ? -1 : process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = -1;
    }
    Run r = run;
    run = null;
    ready.countDown();
    CompletableFuture<List<String>> f = completion;
    if (f != null) {
      f.complete(List.of());
    }
    owner.exited(this, r, code);
  }

  private void dispatch(char kind, String text) {
    Run r = run;
    switch (kind) {
      case 'o':
      case 'e':
        if (r == null || !r.append(kind == 'o' ? "stdout" : "stderr", text)) {
          owner.log(text);
        }
        break;
      case 'i':
        if (r != null) {
          r.setWaiting(text.equals("1"));
        }
        break;
      case 'd':
        run = null;
        if (r != null) {
          int code;
          try {
            code = Integer.parseInt(text.trim());
          } catch (NumberFormatException e) {
            code = 1;
          }
          owner.finished(r, ExecStatus.FINISHED, code);
        }
        break;
      case 'c':
        CompletableFuture<List<String>> f = completion;
        if (f != null) {
          f.complete(text.isEmpty() ? List.of() : Arrays.asList(text.split("\n")));
        }
        break;
      case 'r':
        ready.countDown();
        break;
      default:
        break;
    }
  }

  /** Kills the interpreter and everything it started. */
  @Override
  public void close() {
    close(null);
  }

  void close(java.util.Map<Long, ProcTree.Stat> snapshot) {
    closing = true;
    ProcTree.kill(pid, leader, 100, snapshot);
    process.destroyForcibly();
    try {
      process.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
