package ai.backend.local.stream;

import ai.backend.local.engine.HostTools;
import ai.backend.local.engine.ProcessTrees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app services of one session (spec §8.3), each a local process listening on a free loopback
 * port: started on first use, restarted if it died, stopped with the session. The catalogue is one
 * honest service: {@code http}, python's {@code http.server} serving the work directory.
 */
public final class AppServices implements AutoCloseable {
  /** A service as {@code GET /stream/session/{id}/apps} lists it. */
  public record App(String name, String protocol, int port) {}

  private static final long START_TIMEOUT_MS = 15_000;
  private static final Pattern SERVING = Pattern.compile("Serving HTTP on \\S+ port (\\d+)");

  private record Running(Process process, int port) {}

  private final HostTools tools;
  private final Path workDir;
  private final Map<String, String> environ;
  private final Map<String, Running> running = new HashMap<>();
  private boolean closed;

  AppServices(HostTools tools, Path workDir, Map<String, String> environ) {
    this.tools = tools;
    this.workDir = workDir;
    this.environ = environ;
  }

  /** The services sessions offer on this machine. */
  static List<App> catalogue(HostTools tools) {
    return tools.python().isPresent() ? List.of(new App("http", "http", 8000)) : List.of();
  }

  /**
   * The loopback port where {@code app} accepts connections, starting it first if needed (returns
   * once it listens).
   *
   * @throws IOException the service could not be started
   */
  public synchronized int ensure(App app) throws IOException {
    if (closed) {
      throw new IOException("the session ended");
    }
    Running r = running.get(app.name());
    if (r != null && r.process().isAlive()) {
      return r.port();
    }
    if (r != null) {
      stop(r);
    }
    r = startHttp();
    running.put(app.name(), r);
    return r.port();
  }

  private Running startHttp() throws IOException {
    String python = tools.python().orElseThrow(() -> new IOException("python3 is not installed"));
    // -I: a file named http.py in the work directory must not shadow the standard library
    List<String> cmd = new ArrayList<>(tools.defaultSignals());
    cmd.addAll(List.of(
        python,
        "-I",
        "-u",
        "-m",
        "http.server",
        "0",
        "--bind",
        "127.0.0.1",
        "--directory",
        workDir.toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", tools.kernelPath());
    pb.environment().put("HOME", workDir.toString());
    pb.environment().put("LANG", "C.UTF-8");
    pb.environment().putAll(environ);
    Process p = pb.start();
    p.getOutputStream().close();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    StringBuilder early = new StringBuilder();
    Thread t = new Thread(
        () -> {
          // the port line comes once the socket listens; later lines (access log) are dropped
          try (BufferedReader in = new BufferedReader(
              new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
              Matcher m = SERVING.matcher(line);
              if (!port.isDone() && m.find()) {
                port.complete(Integer.parseInt(m.group(1)));
              } else if (!port.isDone() && early.length() < 4096) {
                early.append(line).append('\n');
              }
            }
          } catch (IOException | RuntimeException e) {
            // process gone
          }
          port.completeExceptionally(new IOException("exited"));
        },
        "app-http-" + p.pid());
    t.setDaemon(true);
    t.start();
    try {
      return new Running(p, port.get(START_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      kill(p);
      throw new IOException(
          "the http service did not start: " + early.toString().trim());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(p);
      throw new IOException("interrupted");
    }
  }

  private static void stop(Running r) {
    kill(r.process());
  }

  private static void kill(Process p) {
    ProcessTrees.kill(p.pid(), false, 200);
    p.destroyForcibly();
    try {
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** PIDs of the running services (for tests and diagnostics). */
  public synchronized List<Long> pids() {
    List<Long> out = new ArrayList<>();
    running.values().forEach(r -> out.add(r.process().pid()));
    return out;
  }

  /** Stops every service; idempotent. */
  @Override
  public void close() {
    List<Running> all;
    synchronized (this) {
      closed = true;
      all = new ArrayList<>(running.values());
      running.clear();
    }
    all.forEach(AppServices::stop);
  }
}
